/**
 * The messages between the planner and the sandbox that runs the light side of a plugin from
 * outside the project (a dataset's fingerprint, a model's parameter count): plain data.
 *
 * @module
 */
import type { FailureReason } from "../errors.ts";
import type { DatasetDescriptor, ModelDescriptor } from "../plugin/descriptor.ts";
import type { DataShape } from "../plugin/runtime.ts";
import type { Denied } from "./denied.ts";

/** What to compute. */
export type PluginRequest =
  | {
    op: "fingerprint";
    descriptor: DatasetDescriptor;
    data: { dataDir: string; verify: boolean; baseUrl?: string };
  }
  | { op: "parameterCount"; descriptor: ModelDescriptor; shape: DataShape };

/** The value (a fingerprint, a count or null), or why there is none. */
export type PluginReply =
  | { ok: true; value: string | number | null }
  | {
    ok: false;
    name: string;
    message: string;
    denied?: Denied;
    reason?: FailureReason;
    field?: string;
  };
