/**
 * Start tfjs-backend-wasm's threaded SIMD build under Deno. The stock loader never tries: it
 * sees Node-like globals, assumes Node, and turns threads off. Under Deno the build's Node path
 * works with three adjustments made here:
 * - its pthread worker script is written to a content-addressed `.cjs` file in the executor's
 *   scratch folder (`scratch.ts`; checked before each use) (Deno's
 *   `node:worker_threads` runs CommonJS files, not the blob URL the loader makes), with
 *   `location` made writable first, since Deno's worker global has it as a getter only;
 * - the main script the workers load is the factory file itself, next to the `.wasm` binary in
 *   Deno's npm cache (the prefix Emscripten passes to `locateFile`);
 * - the binary sizes its thread pool as half of `os.cpus()` (it assumes two hyperthreads a core),
 *   so `os.cpus()` reports twice the wanted threads while the module starts.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { wasmScratchDir } from "./scratch.ts";

/** The Emscripten module with the `tfjs` bridge the wasm backend expects. */
export type WasmModule = Record<string, any> & { tfjs: Record<string, (...a: number[]) => any> };

/** Options for {@linkcode startThreadedWasm}. */
export interface ThreadedWasmOptions {
  /** Threads XNNPACK computes with (at most 8, the build's worker pool). */
  threads: number;
  /** Give up after this many milliseconds (workers that never report). Default 30000. */
  timeoutMs?: number;
}

const FACTORY = "tfjs-backend-wasm-threaded-simd.js";

/** Write the pthread worker script once per content, atomically; return its path. */
function workerScript(contents: string): string {
  // The loader escapes newlines the same way before making its blob.
  const text =
    `Object.defineProperty(globalThis, "location", { value: undefined, writable: true, configurable: true });\n` +
    contents.replace(/\n/g, "\\n");
  const digest = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const dir = wasmScratchDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `tfjs-wasm-pthread-${digest}.cjs`);
  // Check what is there: any step's worker may write this folder.
  let present: string | undefined;
  try {
    present = readFileSync(path, "utf8");
  } catch { /* not written yet */ }
  if (present !== text) {
    const tmp = `${path}.${Deno.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

/** Instantiate the threaded SIMD module with `threads` XNNPACK threads. */
export async function startThreadedWasm(options: ThreadedWasmOptions): Promise<WasmModule> {
  const threads = Math.max(1, Math.min(8, Math.floor(options.threads)));
  const factoryModule = await import(
    "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js"
  );
  const workerModule = await import(
    "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js"
  );
  const factory = ((factoryModule as any).default ?? factoryModule) as (
    c: object,
  ) => Promise<WasmModule>;
  const contents = ((workerModule as any).default ?? workerModule).wasmWorkerContents as string;
  const worker = workerScript(contents);
  const config: Record<string, unknown> = {
    locateFile(path: string, prefix: string) {
      if (path.endsWith(".worker.js")) {
        config.mainScriptUrlOrBlob ??= prefix + FACTORY;
        return worker;
      }
      return prefix + path;
    },
  };
  const osDefault = (await import("node:os")).default as { cpus: () => os.CpuInfo[] };
  const realCpus = osDefault.cpus;
  osDefault.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const module = await Promise.race([
      factory(config),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`pthread workers did not start in ${options.timeoutMs ?? 30000} ms`)),
          options.timeoutMs ?? 30000,
        );
      }),
    ]);
    module.tfjs = {
      init: module.cwrap("init", null, []),
      initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
      getThreadsCount: module.cwrap("get_threads_count", "number", []),
      registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
      disposeData: module.cwrap("dispose_data", null, ["number"]),
      dispose: module.cwrap("dispose", null, []),
    };
    return module;
  } finally {
    clearTimeout(timer);
    // The binary reads the core count once, in a static initialiser run during start-up.
    osDefault.cpus = realCpus;
  }
}
