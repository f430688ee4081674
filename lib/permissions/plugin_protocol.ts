/** The messages between the planner and the dataset-fingerprint sandbox: plain data. @module */
import type { FailureReason } from "../errors.ts";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import type { Denied } from "./denied.ts";

/** Fingerprint this dataset with this data folder. */
export interface FingerprintRequest {
  descriptor: DatasetDescriptor;
  data: { dataDir: string; verify: boolean; baseUrl?: string };
}

/** The fingerprint, or why there is none. */
export type FingerprintReply =
  | { ok: true; fingerprint: string }
  | {
    ok: false;
    name: string;
    message: string;
    denied?: Denied;
    reason?: FailureReason;
    field?: string;
  };
