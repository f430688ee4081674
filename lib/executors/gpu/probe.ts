/**
 * What the `gpu` executor needs, checked before tfjs-node-gpu is loaded (it falls back to the CPU
 * without a word when CUDA is missing): an NVIDIA GPU seen by `nvidia-smi` (run through the run
 * permission, since Deno grants access to `/dev` device files only with --allow-all), a driver
 * new enough for CUDA 11.2, and the CUDA 11 and cuDNN 8 libraries libtensorflow 2.9.1 opens,
 * found by file name in the loader's search path.
 *
 * @module
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Folders searched for the CUDA and cuDNN libraries instead of the loader's (colon-separated). */
export const CUDA_LIB_PATH_ENV = "BORN_AGAIN_CUDA_LIB_PATH";

/** The oldest Linux driver CUDA 11.2 runs on. */
export const MIN_DRIVER = "450.80.02";

/** What tfjs-node-gpu 4.22 (libtensorflow 2.9.1) was built against. */
export const NEEDS = "CUDA 11.2 and cuDNN 8.1";

/** How to get CUDA 11.2 and cuDNN 8.1 next to whatever else is installed. */
export const CUDA_INSTALL = "install them side by side with other versions, e.g. " +
  "`conda install -c conda-forge cudatoolkit=11.2 cudnn=8.1` and add the environment's lib " +
  "folder to LD_LIBRARY_PATH, or `apt-get install cuda-libraries-11-2 libcudnn8=8.1.1.33-1+cuda11.2` " +
  "from NVIDIA's CUDA repository";

/** A GPU `nvidia-smi` lists. */
export interface VisibleGpu {
  name: string;
  driver: string;
}

/** The GPUs `nvidia-smi` sees, or why none are visible. */
export type GpuListing = { gpus: VisibleGpu[] } | { none: string };

/** Ask `nvidia-smi` (found on PATH) which GPUs it sees and with which driver. */
export async function listGpus(command = "nvidia-smi"): Promise<GpuListing> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, {
      args: ["--query-gpu=name,driver_version", "--format=csv,noheader"],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { none: `${command} is not on PATH (no NVIDIA driver is installed)` };
    }
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return {
        none: `looking for GPUs needs \`--allow-run=${command}\`, which this process lacks`,
      };
    }
    return { none: `${command} did not run: ${firstLine(e)}` };
  }
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const said = firstLine(new TextDecoder().decode(out.stderr).trim() || text || "no output");
    return { none: `${command} exited with code ${out.code}: ${said}` };
  }
  const gpus = text.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
    const comma = line.lastIndexOf(",");
    return comma < 0
      ? { name: line, driver: "unknown" }
      : { name: line.slice(0, comma).trim(), driver: line.slice(comma + 1).trim() };
  });
  return gpus.length ? { gpus } : { none: `${command} lists no GPU` };
}

/** Compare dotted versions numerically ("450.80.02" vs "525.60"); negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The folders the dynamic loader searches, as far as they can be read from files and env. */
export function libraryDirs(): string[] {
  const override = Deno.env.get(CUDA_LIB_PATH_ENV);
  if (override !== undefined) return override.split(":").filter(Boolean);
  const dirs = (Deno.env.get("LD_LIBRARY_PATH") ?? "").split(":").filter(Boolean);
  dirs.push(...ldSoConfDirs("/etc/ld.so.conf", 0));
  dirs.push(
    "/usr/local/cuda/lib64",
    "/usr/local/cuda-11.2/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
  );
  return [...new Set(dirs)];
}

/** Folders listed in an ld.so.conf file, following its `include` lines (simple globs). */
function ldSoConfDirs(file: string, depth: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const include = line.match(/^include\s+(.+)$/);
    if (!include) {
      out.push(line);
      continue;
    }
    if (depth > 4) continue;
    const pattern = include[1].trim();
    const dir = dirname(pattern);
    const re = new RegExp(
      "^" + basename(pattern).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$",
    );
    let entries: string[] = [];
    try {
      entries = readdirSync(dir).filter((e) => re.test(e)).sort();
    } catch { /* no such folder */ }
    for (const e of entries) out.push(...ldSoConfDirs(join(dir, e), depth + 1));
  }
  return out;
}

/** One copy of a library found on disk. */
export interface FoundLibrary {
  /** The file's path as found (often a soname link). */
  path: string;
  /** The version its real file's name carries ("11.2.152"), or the soname's ("8"). */
  version: string;
}

/** Every `lib<name>.so.<version>` in `dirs`, first folder first, versions from real file names. */
export function findLibraries(name: string, dirs: string[]): FoundLibrary[] {
  const prefix = `lib${name}.so.`;
  const found: FoundLibrary[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries.filter((e) => e.startsWith(prefix)).sort()) {
      const path = join(dir, entry);
      let real = path;
      try {
        real = realpathSync(path);
      } catch {
        continue; // a dangling link is no library
      }
      if (seen.has(real)) continue;
      seen.add(real);
      const fromReal = basename(real).startsWith(prefix) ? basename(real) : entry;
      found.push({ path, version: fromReal.slice(prefix.length) });
    }
  }
  return found;
}

/** Why the CUDA and cuDNN libraries in `dirs` will not do for tfjs-node-gpu 4.22, if they will not. */
export function cudaProblems(dirs: string[]): string[] {
  const problems: string[] = [];
  const check = (
    label: string,
    lib: string,
    major: number,
    minMinor: number,
    wanted: string,
  ) => {
    const all = findLibraries(lib, dirs);
    const fits = all.filter((l) => {
      const [ma, mi] = l.version.split(".").map(Number);
      return ma === major && (Number.isNaN(mi) || mi === undefined || mi >= minMinor);
    });
    if (fits.length) return;
    const seen = all.length
      ? `found ${all.map((l) => `${label} ${l.version} (${l.path})`).join(", ")}`
      : `found no lib${lib}.so.* in ${dirs.length ? dirs.join(":") : "no folder"}`;
    problems.push(`needs ${wanted}: ${seen}`);
  };
  check("CUDA runtime", "cudart", 11, 2, "CUDA 11.2 or a later 11.x (libcudart.so.11.0)");
  check("cuBLAS", "cublas", 11, 0, "cuBLAS from CUDA 11 (libcublas.so.11)");
  check("cuDNN", "cudnn", 8, 1, "cuDNN 8.1 or a later 8.x (libcudnn.so.8)");
  return problems;
}

/** Whether this looks like a machine where the gpu executor can exist at all. */
export function platformProblem(): string | undefined {
  if (Deno.build.os !== "linux") return `${Deno.build.os} is not Linux`;
  if (Deno.build.arch !== "x86_64") return `${Deno.build.arch} is not x86_64`;
  return undefined;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
