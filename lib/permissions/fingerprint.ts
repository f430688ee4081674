/**
 * Fingerprint a step's dataset while planning. The project's own datasets (`datasets/`) run in
 * the CLI's process: they read the data dir and remember MD5s in the user's cache. A dataset
 * plugin from anywhere else (the pipeline's folder) is code from anyone, so it runs in a sandbox
 * (`sandboxed_plugin.ts`) that may only read the project, the pipeline's folder, the data dir
 * and the MD5 sidecar. A denied permission is an error naming the pipeline file, the step and
 * what was tried.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { PipelineError } from "../errors.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import type { DataEnv } from "../plugin/runtime.ts";
import { denoCacheDir } from "../executors/tfjs_node/installed_npm.ts";
import { deniedError } from "./denied.ts";
import { callInSandbox, projectModule } from "./sandboxed_plugin.ts";
import { sidecarFolder } from "./step_scope.ts";

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
  if (projectModule(descriptor.module, "datasets")) {
    return await (await resolvePlugin(descriptor)).fingerprint(descriptor.params, data);
  }
  let folder = dirname(resolve(where.file));
  try {
    folder = dirname(await Deno.realPath(where.file));
  } catch { /* the loader has reported a missing file already */ }
  const read = [PROJECT_ROOT, folder, resolve(data.dataDir), ...sidecarFolder()];
  const { dataDir, verify, baseUrl } = data;
  const reply = await callInSandbox(
    { op: "fingerprint", descriptor, data: { dataDir, verify, baseUrl } },
    [...read, denoCacheDir()],
  );
  if (reply.ok) return String(reply.value);
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
}
