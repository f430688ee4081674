/**
 * The manifest: the commit marker of a cache entry, written last. An entry without a valid
 * manifest does not exist.
 *
 * @module
 */
import type { KeyRecord } from "../key/step_key.ts";
import type { JsonObject } from "../plugin/descriptor.ts";

/** One output file of an entry. */
export interface ManifestFile {
  size: number;
  sha256: string;
}

/** The manifest of a committed entry. */
export interface Manifest {
  /** Manifest format version. */
  format: 1;
  key: string;
  /** Step name and pipeline that first produced it (informational). */
  step: string;
  pipeline: string;
  record: KeyRecord;
  files: Record<string, ManifestFile>;
  /** The step's results (metrics, parameter count, …). */
  result: JsonObject;
  /** Executor, machine, versions, timings: recorded, never hashed. */
  provenance: JsonObject;
  createdAt: string;
}

/** Parse and sanity-check a manifest; returns a problem string instead of throwing. */
export function parseManifest(text: string, key: string): Manifest | string {
  let m: Manifest;
  try {
    m = JSON.parse(text);
  } catch {
    return "manifest is not valid JSON";
  }
  if (m?.format !== 1) return "manifest has an unknown format";
  if (m.key !== key) return `manifest names key ${m.key}`;
  if (!m.files || typeof m.files !== "object") return "manifest lists no files";
  return m;
}
