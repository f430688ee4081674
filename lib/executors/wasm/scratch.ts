/**
 * The folder the wasm executor writes its pthread worker script to: one per user under the
 * system's temporary folder. Step workers may write this folder and no other outside the cache
 * but the data dir while their dataset downloads (`lib/permissions/step_scope.ts`); the script is
 * checked against its content each time it is used, so what another process left there never
 * runs.
 *
 * @module
 */
import * as os from "node:os";
import { join } from "node:path";

/** `<tmp>/born-again-wasm-<uid>`. */
export function wasmScratchDir(): string {
  let uid: number | null = null;
  try {
    uid = Deno.uid();
  } catch { /* no permission: one folder for all */ }
  return join(os.tmpdir(), `born-again-wasm-${uid ?? "user"}`);
}
