/**
 * The record a step's key hashes (see `lib/key/step_key.ts`), as plain data: written into the
 * worker's spec and the entry's manifest, so `plan` can say what changed.
 *
 * @module
 */
import type { AnyDescriptor, JsonObject } from "../plugin/descriptor.ts";
import type { StepSpec } from "./step.ts";

/** The record a key hashes. */
export interface KeyRecord {
  schema: number;
  /** `ENGINE_VERSION`: the code outside `code` (plumbing). */
  engine: number;
  kind: StepSpec["kind"];
  seed: number;
  params: JsonObject;
  plugins: Record<string, AnyDescriptor>;
  dataset: { fingerprint: string };
  code: Record<string, string>;
  inputs: {
    teacher?: string[];
    members?: string[];
    transfer?: { from: string; layers: string[]; freeze: boolean };
  };
}
