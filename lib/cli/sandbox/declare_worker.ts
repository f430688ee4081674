/**
 * The body of the sandbox a pipeline file is declared in: a Deno worker started by
 * `declare.ts` with permission only to read the project and the pipeline's folder. It imports
 * the pipeline file, declares its graph with the overrides it is sent, and posts the graph back
 * as plain data, or the error with everything the CLI needs to report it (file, step, field,
 * reason, and what a permission error was for).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { PipelineError } from "../../errors.ts";
import type { PipelineDefinition } from "../../dsl/pipeline.ts";
import { deniedOf } from "../../permissions/denied.ts";
import type { DeclareReply, DeclareRequest, SandboxFailure } from "./protocol.ts";

function failure(phase: SandboxFailure["phase"], e: unknown): SandboxFailure {
  const base = {
    phase,
    name: e instanceof Error ? e.name : "Error",
    message: e instanceof Error ? e.message : String(e),
    denied: deniedOf(e),
  };
  if (!(e instanceof PipelineError)) return base;
  return { ...base, file: e.file, step: e.step, field: e.field, reason: e.reason };
}

async function declare(req: DeclareRequest): Promise<DeclareReply> {
  let mod: { default?: PipelineDefinition };
  try {
    mod = await import(req.url);
  } catch (e) {
    return { ok: false, error: failure("load", e) };
  }
  const def = mod.default;
  if (!def || typeof def.declare !== "function") return { ok: false, error: { phase: "export" } };
  try {
    // A JSON round trip keeps only plain data: nothing but the graph leaves the sandbox.
    return { ok: true, graph: JSON.parse(JSON.stringify(def.declare(req.overrides, req.file))) };
  } catch (e) {
    return { ok: false, error: failure("declare", e) };
  }
}

self.onmessage = async (event: MessageEvent<DeclareRequest>) => {
  let reply: DeclareReply;
  try {
    reply = await declare(event.data);
  } catch (e) {
    reply = { ok: false, error: failure("declare", e) };
  }
  self.postMessage(reply);
};
