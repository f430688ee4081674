/**
 * Find and open the oneDNN shared library: `BORN_AGAIN_DNNL_LIB` when set, else the usual sonames
 * through the system loader. `dnnl_version()` is read before anything else: only the 2.x C API is
 * driven here (3.x replaced the descriptor-init functions), so another major version is refused
 * with a message saying which was found and which are supported.
 *
 * @module
 */
import { ExecutorUnavailable } from "../executor.ts";
import { Dnnl } from "./dnnl.ts";
import { SYMBOLS } from "./symbols.ts";
import { fixedThreads, OpenmpThreads } from "./threads.ts";

/** The environment variable naming a oneDNN library file to use instead of the search. */
export const DNNL_LIB_ENV = "BORN_AGAIN_DNNL_LIB";

/** Sonames tried, in order, when {@linkcode DNNL_LIB_ENV} is unset. */
export const DNNL_SONAMES = ["libdnnl.so.2", "libdnnl.so.3", "libdnnl.so"];

/** The OpenMP runtime Debian's libdnnl links, opened to steer its thread count. */
export const GOMP_SONAME = "libgomp.so.1";

/** oneDNN major versions whose C API this executor drives. */
export const SUPPORTED_MAJORS = [2];

/** The environment variable setting oneDNN's OpenMP thread count (default: OpenMP's own). */
export const DNNL_THREADS_ENV = "BORN_AGAIN_DNNL_THREADS";

/** Where oneDNN 2.x comes from when the distribution ships only 3.x. */
const INSTALL_2X = "`apt-get install libdnnl2` where the distribution has it (Debian 12, " +
  "Ubuntu 22.04), else build v2.7.5 from github.com/oneapi-src/oneDNN " +
  "(`cmake -DDNNL_CPU_RUNTIME=OMP .. && make`) and set " +
  `${DNNL_LIB_ENV} to its libdnnl.so.2`;

const INSTALL = "install it with `apt-get install libdnnl2` (Debian 12, Ubuntu 22.04+) or set " +
  `${DNNL_LIB_ENV} to the path of a oneDNN 2.x libdnnl.so`;

/** An opened oneDNN library. */
export interface OpenedDnnl {
  dnnl: Dnnl;
  /** The name or path it was opened by. */
  path: string;
  /** "2.6.3" */
  version: string;
  /** OpenMP threads its primitives run on. */
  threads: number;
}

/** A oneDNN version as `dnnl_version()` reports it. */
export interface DnnlVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * Why a library of `version` found at `path` cannot be used, or undefined when it can (its major
 * version is one of {@linkcode SUPPORTED_MAJORS}).
 */
export function versionProblem(path: string, version: DnnlVersion): string | undefined {
  if (SUPPORTED_MAJORS.includes(version.major)) return undefined;
  const found = `${version.major}.${version.minor}.${version.patch}`;
  const supported = SUPPORTED_MAJORS.map((m) => `${m}.x`).join(", ");
  return `${path} is oneDNN ${found}, but only oneDNN ${supported} is supported` +
    (version.major > 2
      ? ` (${version.major}.x replaced the descriptor-init C API this executor calls); ` +
        `install oneDNN 2.x beside it: ${INSTALL_2X}`
      : "");
}

/** Open oneDNN or throw {@linkcode ExecutorUnavailable} saying why and how to install it. */
export function openDnnl(): OpenedDnnl {
  const override = readEnv(DNNL_LIB_ENV);
  const candidates = override ? [override] : DNNL_SONAMES;
  const tried: string[] = [];
  for (const path of candidates) {
    const version = probeVersion(path, tried);
    if (!version) continue;
    const text = `${version.major}.${version.minor}.${version.patch}`;
    const problem = versionProblem(path, version);
    if (problem) {
      tried.push(problem);
      continue;
    }
    const lib = Deno.dlopen(path, SYMBOLS);
    const threads = openmpThreads();
    return { dnnl: new Dnnl(lib.symbols, threads), path, version: text, threads: threads.max };
  }
  const triedText = tried.length ? `; tried ${tried.join("; ")}` : "";
  throw new ExecutorUnavailable(
    "onednn",
    `no usable oneDNN 2.x library${triedText}. To fix: ${INSTALL}`,
  );
}

/** The thread count asked for in {@linkcode DNNL_THREADS_ENV}, checked. */
function requestedThreads(): number | undefined {
  const text = readEnv(DNNL_THREADS_ENV);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new ExecutorUnavailable(
      "onednn",
      `${DNNL_THREADS_ENV} must be a positive integer: got "${text}"`,
    );
  }
  return n;
}

/** Read `dnnl_version()` from a library, or note why it could not be opened. */
function probeVersion(path: string, tried: string[]): DnnlVersion | undefined {
  let lib: Deno.DynamicLibrary<{ dnnl_version: { parameters: []; result: "pointer" } }>;
  try {
    lib = Deno.dlopen(path, { dnnl_version: { parameters: [], result: "pointer" } });
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new ExecutorUnavailable(
        "onednn",
        `loading ${path} needs FFI permission: run deno with --allow-ffi`,
        { cause: e },
      );
    }
    tried.push(`${path}: ${firstLine(e)}`);
    return undefined;
  }
  try {
    const p = lib.symbols.dnnl_version();
    if (!p) {
      tried.push(`${path}: dnnl_version() returned null`);
      return undefined;
    }
    const view = new Deno.UnsafePointerView(p);
    return { major: view.getInt32(0), minor: view.getInt32(4), patch: view.getInt32(8) };
  } finally {
    lib.close();
  }
}

/**
 * OpenMP's thread count for oneDNN's primitives (set from {@linkcode DNNL_THREADS_ENV} when
 * given), through libgomp, which Debian's libdnnl links; the core count if libgomp is not there.
 */
function openmpThreads(): OpenmpThreads {
  const want = requestedThreads();
  let gomp;
  try {
    gomp = Deno.dlopen(GOMP_SONAME, {
      omp_get_max_threads: { parameters: [], result: "i32" },
      omp_set_num_threads: { parameters: ["i32"], result: "void" },
    });
  } catch {
    return fixedThreads(want ?? navigator.hardwareConcurrency);
  }
  // The library stays open: closing it would drop the setting's owner under oneDNN's feet.
  const { omp_get_max_threads, omp_set_num_threads } = gomp.symbols;
  if (want !== undefined) omp_set_num_threads(want);
  return new OpenmpThreads({ get: () => omp_get_max_threads(), set: omp_set_num_threads });
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}
