/**
 * What a step's worker may touch. A step runs plugin code from anyone (the pipeline's folder is
 * as trusted as the pipeline file), so its worker gets:
 *
 * - read: the project, the pipeline file's folder, the data dir, the cache, Deno's cache (npm
 *   packages) and the MD5 sidecar; for executors that load native libraries, the system's
 *   library folders and `node_modules` folders above the project too (they look for CUDA,
 *   oneDNN and tfjs-node there);
 * - write: the cache, and the wasm executor's scratch folder for its pthread script
 *   (`lib/executors/wasm/scratch.ts`), plus the data dir when the step's dataset must be
 *   downloaded;
 * - network: only for a step whose dataset must be downloaded;
 * - programs: `ps` and the project's boot-id helper (stale-lock checks), and the GPU probes of
 *   executors that look for GPUs; no shell;
 * - environment and system information: yes (executors and recipes read `BORN_AGAIN_*`, the
 *   host name and CPU count);
 * - FFI: only for executors that load native code (see `ffiFlags`).
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { withRealPaths } from "../util/path.ts";
import { denoCacheDir } from "../executors/tfjs_node/installed_npm.ts";
import { userCacheDir } from "../../datasets/data_dir.ts";
import { wasmScratchDir } from "../executors/wasm/scratch.ts";

/** The permissions of one worker. */
export interface StepScope {
  read: string[];
  write: string[];
  /** Any host: a step whose dataset must be downloaded. */
  net: boolean;
  /** Programs it may run, by name or path. */
  run: string[];
}

/** What the scope of a step depends on. */
export interface StepScopeInput {
  cacheDir: string;
  /** The pipeline file (absolute, or relative to the working folder). */
  pipelineFile?: string;
  dataDir?: string;
  /** The step's dataset is not all on disk and will be downloaded into `dataDir`. */
  download?: boolean;
  /** The executor loads native code (and so looks for libraries on the system). */
  nativeExecutor?: boolean;
  /** Programs beyond the stale-lock checks', e.g. GPU probes. */
  programs?: string[];
}

/** The helper that prints the kernel's boot id (Deno lets only --allow-all read /proc). */
export const BOOT_ID_PROGRAM = join(PROJECT_ROOT, "lib/util/boot_id.sh");

/** Programs every worker runs for stale-lock checks: owners' start times and the boot id. */
export const LOCK_PROGRAMS = ["ps", BOOT_ID_PROGRAM];

/** Where native libraries live, for executors that look for them before loading one. */
function libraryFolders(): string[] {
  const fromEnv = ["LD_LIBRARY_PATH", "BORN_AGAIN_CUDA_LIB_PATH"]
    .flatMap((name) => (Deno.env.get(name) ?? "").split(":"));
  const dnnl = Deno.env.get("BORN_AGAIN_DNNL_LIB");
  return [
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local",
    "/lib",
    "/lib64",
    "/opt",
    ...fromEnv.filter((d) => isAbsolute(d)),
    ...(dnnl && isAbsolute(dnnl) ? [dirname(dnnl)] : []),
  ];
}

/** The folder of the MD5 sidecar (`datasets/md5.ts`), if there is a user cache folder. */
export function sidecarFolder(): string[] {
  try {
    return [join(userCacheDir(), "born-again")];
  } catch {
    return [];
  }
}

/** `node_modules` folders above `dir`, where executors look for optional native packages. */
function nodeModulesAbove(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir;; d = dirname(d)) {
    out.push(join(d, "node_modules"));
    if (dirname(d) === d) return out;
  }
}

/** The real path of `path` where it exists (permissions apply to real paths), else `path`. */
function real(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/** The scope of a worker. */
export function stepScope(input: StepScopeInput): StepScope {
  const cache = resolve(input.cacheDir);
  const read = [PROJECT_ROOT, cache, denoCacheDir(), ...sidecarFolder()];
  if (input.pipelineFile) read.push(dirname(real(resolve(input.pipelineFile))));
  if (input.dataDir) read.push(resolve(input.dataDir));
  if (input.nativeExecutor) {
    read.push(
      ...libraryFolders(),
      ...nodeModulesAbove(PROJECT_ROOT),
      ...nodeModulesAbove(Deno.cwd()),
    );
  }
  // The wasm executor's pthread script (auto may pick wasm too).
  read.push(wasmScratchDir());
  const write = [cache, wasmScratchDir()];
  if (input.download && input.dataDir) write.push(resolve(input.dataDir));
  return {
    read: withRealPaths(read),
    write: withRealPaths(write),
    net: Boolean(input.download),
    run: unique([...LOCK_PROGRAMS, ...(input.programs ?? [])]),
  };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** `--allow-read=…` and the other flags of `scope`. Paths with a comma cannot be listed. */
export function scopeFlags(scope: StepScope): string[] {
  const list = (flag: string, items: string[]) => {
    const bad = items.find((i) => i.includes(","));
    if (bad) throw new Error(`${flag} cannot name a path with a comma: ${bad}`);
    return `${flag}=${items.join(",")}`;
  };
  return [
    list("--allow-read", scope.read),
    list("--allow-write", scope.write),
    "--allow-env",
    "--allow-sys",
    ...(scope.net ? ["--allow-net"] : []),
    list("--allow-run", scope.run),
  ];
}
