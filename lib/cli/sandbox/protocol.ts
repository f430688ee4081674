/**
 * The messages between the CLI and the sandbox worker that declares a pipeline file: plain data
 * both ways, so nothing of the pipeline's code crosses into the CLI.
 *
 * @module
 */
import type { FailureReason } from "../../errors.ts";
import type { Graph } from "../../spec/step.ts";
import type { Json } from "../../plugin/descriptor.ts";
import type { Denied } from "../../permissions/denied.ts";

/** Declare the pipeline at `url` (shown as `file`) with these param overrides. */
export interface DeclareRequest {
  url: string;
  file: string;
  overrides: Record<string, Json>;
}

/** Why declaring failed, as plain data. */
export interface SandboxFailure {
  /** Importing the file, finding its default export, or running its declaration. */
  phase: "load" | "export" | "declare";
  name?: string;
  message?: string;
  /** Set when the error was a denied permission. */
  denied?: Denied;
  /** Set when the error was a PipelineError. */
  file?: string;
  step?: string;
  field?: string;
  reason?: FailureReason;
}

/** The sandbox's one answer. */
export type DeclareReply = { ok: true; graph: Graph } | { ok: false; error: SandboxFailure };
