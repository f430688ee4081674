/**
 * Fingerprint a step's dataset while planning. The project's own datasets (`datasets/`) run in
 * the CLI's process: they read the data dir and remember MD5s in the user's cache. A dataset
 * plugin from anywhere else (the pipeline's folder) is code from anyone, so it runs in a Deno
 * worker that may only read the project, the pipeline's folder, the data dir and the MD5
 * sidecar, and read the few environment variables that locate them; it writes nothing, runs no
 * program and has no network. A denied permission is an error naming the pipeline file, the step
 * and what was tried.
 *
 * @module
 */
import { dirname, join, normalize, resolve } from "node:path";
import { PipelineError } from "../errors.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { PROJECT_ROOT } from "../plugin/module_id.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import type { DataEnv } from "../plugin/runtime.ts";
import { denoCacheDir } from "../executors/installed_npm.ts";
import { deniedError } from "./denied.ts";
import type { FingerprintReply } from "./fingerprint_protocol.ts";
import { sidecarFolder } from "./step_scope.ts";

const WORKER_URL = new URL("./fingerprint_worker.ts", import.meta.url);

/** Variables the project's data code reads to find the data and the user's cache folder. */
const DATA_ENV = [
  "BORN_AGAIN_DATA",
  "BORN_AGAIN_DATA_URL",
  "XDG_CACHE_HOME",
  "HOME",
  "USERPROFILE",
  "LOCALAPPDATA",
];

/** Whether `module` (a descriptor's module id) is one of the project's own dataset modules. */
export function projectDataset(module: string): boolean {
  if (/^[a-z]+:/i.test(module)) return false;
  return normalize(join(PROJECT_ROOT, module)).startsWith(join(PROJECT_ROOT, "datasets") + "/");
}

/** Where the step is, for messages. */
export interface FingerprintWhere {
  /** The pipeline file, as given on the command line. */
  file: string;
  step: string;
}

/** The fingerprint of `descriptor`'s data, in the CLI for project datasets, else sandboxed. */
export async function fingerprintDataset(
  descriptor: DatasetDescriptor,
  data: DataEnv,
  where: FingerprintWhere,
): Promise<string> {
  if (projectDataset(descriptor.module)) {
    return await (await resolvePlugin(descriptor)).fingerprint(descriptor.params, data);
  }
  let folder = dirname(resolve(where.file));
  try {
    folder = dirname(await Deno.realPath(where.file));
  } catch { /* the loader has reported a missing file already */ }
  const read = [...new Set([PROJECT_ROOT, folder, resolve(data.dataDir), ...sidecarFolder()])];
  const worker = new Worker(WORKER_URL, {
    type: "module",
    deno: {
      permissions: {
        read: [...read, denoCacheDir()],
        env: DATA_ENV,
        write: false,
        net: false,
        run: false,
        ffi: false,
        sys: false,
        import: false,
      },
    },
  });
  try {
    const reply = await new Promise<FingerprintReply>((done) => {
      worker.onmessage = (e: MessageEvent<FingerprintReply>) => done(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        done({ ok: false, name: "Error", message: e.message ?? String(e.error) });
      };
      const { dataDir, verify, baseUrl } = data;
      worker.postMessage({ descriptor, data: { dataDir, verify, baseUrl } });
    });
    if (reply.ok) return reply.fingerprint;
    const denied = deniedError(undefined, {
      file: where.file,
      step: where.step,
      during: `while planning, in dataset "${descriptor.name}" of step "${where.step}"`,
      allowed: `a dataset plugin outside the project's datasets/ may only read ${
        read.join(", ")
      } while planning, and write nothing, run no program and use no network`,
    }, reply.denied);
    if (denied) throw denied;
    if (reply.reason) {
      throw new PipelineError(reply.message, {
        file: where.file,
        step: where.step,
        field: reply.field,
        reason: reply.reason,
      });
    }
    const e = new Error(reply.message);
    e.name = reply.name;
    throw e;
  } finally {
    worker.terminate();
  }
}
