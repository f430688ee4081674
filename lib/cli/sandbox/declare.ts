/**
 * Declare a pipeline file in a sandbox: a Deno worker whose only permission is to read the
 * project and the pipeline file's folder (no writing, programs, network, environment, FFI or
 * system information). A pipeline file is code from anyone; here it can only declare. The
 * worker posts the graph back as plain data; errors come back with their file, step and field,
 * and a denied permission becomes a `permission` error naming what the pipeline tried.
 *
 * Needs Deno's worker-options feature (`"unstable": ["worker-options"]` in deno.json).
 *
 * @module
 */
import { dirname } from "node:path";
import { PipelineError } from "../../errors.ts";
import type { Graph } from "../../spec/step.ts";
import type { Json } from "../../plugin/descriptor.ts";
import { PROJECT_ROOT } from "../../util/project_root.ts";
import { deniedError } from "../../permissions/denied.ts";
import { toFileUrl } from "../../util/path.ts";
import type { DeclareReply, SandboxFailure } from "./protocol.ts";

const WORKER_URL = new URL("./declare_worker.ts", import.meta.url);

/** The folders a pipeline file may read while it declares: the project and its own folder. */
export function declareReadable(path: string): string[] {
  return [...new Set([PROJECT_ROOT, dirname(path)])];
}

/**
 * Declare the pipeline at absolute `path` (shown as `file` in messages) with `overrides` in a
 * sandboxed worker and return its graph, unvalidated. The graph's `file` is set here, not taken
 * from the sandbox.
 */
export async function declareInSandbox(
  path: string,
  file: string,
  overrides: Record<string, Json>,
): Promise<Graph> {
  const readable = declareReadable(path);
  const worker = new Worker(WORKER_URL, {
    type: "module",
    deno: {
      permissions: {
        read: readable,
        write: false,
        net: false,
        env: false,
        run: false,
        ffi: false,
        sys: false,
        import: false,
      },
    },
  });
  try {
    const reply = await new Promise<DeclareReply>((resolve) => {
      worker.onmessage = (e: MessageEvent<DeclareReply>) => resolve(e.data);
      // An error the worker could not post (thrown outside its handler, or at its start).
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        resolve({
          ok: false,
          error: { phase: "load", name: "Error", message: e.message ?? String(e.error) },
        });
      };
      worker.postMessage({ url: toFileUrl(path).href, file, overrides });
    });
    if (!reply.ok) throw sandboxError(reply.error, file, readable);
    if (reply.graph === null || typeof reply.graph !== "object") {
      throw new PipelineError("The pipeline's declaration returned no graph", {
        file,
        reason: "invalid-pipeline",
      });
    }
    return { ...reply.graph, file };
  } finally {
    worker.terminate();
  }
}

/** The PipelineError for a failure reported by the sandbox. */
function sandboxError(f: SandboxFailure, file: string, readable: string[]): PipelineError {
  const during = f.phase === "load" ? "while loading" : "while declaring its steps";
  const denied = deniedError(undefined, {
    file,
    during,
    allowed: `a pipeline file may only read ${readable.join(" and ")} while it declares, and ` +
      `write nothing, run no program and use no network`,
  }, f.denied);
  if (denied) return denied;
  if (f.phase === "export") {
    return new PipelineError("The pipeline file must `export default pipeline(...)`", {
      file,
      reason: "invalid-pipeline",
    });
  }
  if (f.phase === "load") {
    return new PipelineError(`Cannot load pipeline: ${f.message}`, {
      file,
      reason: "invalid-pipeline",
    });
  }
  if (f.reason) {
    return new PipelineError(f.message ?? "", {
      file: f.file ?? file,
      step: f.step,
      field: f.field,
      reason: f.reason,
    });
  }
  return new PipelineError(f.message ?? "", { file, reason: "invalid-pipeline" });
}
