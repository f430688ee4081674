/**
 * Checkpoints of a step in progress: weights, optimiser velocities and loop state, in the step's
 * work folder (apart from finished entries). Written to a temporary folder and swapped in by
 * rename, so a kill at any moment leaves the previous checkpoint or the new one, never half.
 *
 * @module
 */
import { join } from "node:path";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { JsonObject } from "../plugin/descriptor.ts";
import { loadModelWeights, saveModel } from "./weights_io.ts";

/** Loop state saved with a checkpoint. */
export interface LoopState {
  /** Next epoch to run (0-based). */
  epoch: number;
  /** Next batch of that epoch. */
  batch: number;
  lr: number;
  history: JsonObject[];
  /** Partial sums of the interrupted epoch. */
  lossSum: number;
  lossCount: number;
  /** Plateau schedule: best validation metric so far. */
  best: number | null;
  /** Training seconds so far. */
  seconds: number;
}

const DIR = "checkpoint";

/** Save a checkpoint of `net`, the optimiser state and `state` into `workDir`. */
export async function saveCheckpoint(
  workDir: string,
  net: tfl.LayersModel,
  optimizerState: Float32Array[],
  state: LoopState,
): Promise<void> {
  const tmp = join(workDir, `${DIR}.tmp-${Deno.pid}`);
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  await saveModel(net, tmp);
  const total = optimizerState.reduce((n, a) => n + a.length, 0);
  const flat = new Float32Array(total);
  let off = 0;
  for (const a of optimizerState) flat.set(a, (off += a.length) - a.length);
  await Deno.writeFile(join(tmp, "optimizer.bin"), new Uint8Array(flat.buffer));
  await Deno.writeTextFile(
    join(tmp, "state.json"),
    JSON.stringify({ ...state, slots: optimizerState.map((a) => a.length) }),
  );
  const final = join(workDir, DIR), old = join(workDir, `${DIR}.old-${Deno.pid}`);
  await Deno.rename(final, old).catch(() => {});
  await Deno.rename(tmp, final);
  await Deno.remove(old, { recursive: true }).catch(() => {});
}

/** Load the checkpoint in `workDir` into `net`; returns the loop and optimiser state, or undefined. */
export async function loadCheckpoint(
  tf: typeof tfc,
  workDir: string,
  net: tfl.LayersModel,
): Promise<{ state: LoopState; optimizer: Float32Array[] } | undefined> {
  const dir = join(workDir, DIR);
  let raw: LoopState & { slots: number[] };
  try {
    raw = JSON.parse(await Deno.readTextFile(join(dir, "state.json")));
  } catch {
    return undefined;
  }
  await loadModelWeights(tf, net, dir);
  const bytes = await Deno.readFile(join(dir, "optimizer.bin"));
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const optimizer: Float32Array[] = [];
  let off = 0;
  for (const n of raw.slots) optimizer.push(flat.slice(off, off += n));
  const { slots: _slots, ...state } = raw;
  return { state, optimizer };
}

/** Remove a step's checkpoint (after its entry is committed). */
export async function clearCheckpoint(workDir: string): Promise<void> {
  await Deno.remove(join(workDir, DIR), { recursive: true }).catch(() => {});
}
