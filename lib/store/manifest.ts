/**
 * The manifest: the commit marker of a cache entry, written last. An entry without a valid
 * manifest does not exist. It lists every file with its size and SHA-256, and carries a checksum
 * of its own content, so an edited result or file list is caught like a damaged file.
 *
 * @module
 */
import { canonicalJson } from "../util/canonical_json.ts";
import type { KeyRecord } from "../spec/key_record.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import { sha256Hex } from "../util/hash.ts";

/** One output file of an entry. */
export interface ManifestFile {
  size: number;
  sha256: string;
}

/** The manifest of a committed entry. */
export interface Manifest {
  /**
   * Manifest format version: 2 carries {@linkcode Manifest.checksum}. Format 1 (written before
   * manifests were sealed) is still read, as valid but unsealed: its files are checked against
   * their hashes, but an edit of its other values cannot be seen. It is not resealed on read:
   * that would seal whatever it says now, edits included, and would write into a cache that may
   * be read-only.
   */
  format: 1 | 2;
  key: string;
  /** Step name and pipeline that first produced it (informational). */
  step: string;
  pipeline: string;
  record: KeyRecord;
  files: Record<string, ManifestFile>;
  /** The step's results (metrics, parameter count, …). */
  result: JsonObject;
  /** Executor, machine, versions, timings: recorded, never hashed into keys. */
  provenance: JsonObject;
  createdAt: string;
  /** SHA-256 of the canonical JSON of every other field (format 2). */
  checksum?: string;
}

/** The checksum of a manifest: SHA-256 over the canonical JSON of all but `checksum`. */
export function manifestChecksum(m: Manifest): string {
  const { checksum: _, ...body } = m;
  // Through JSON first, so the sum is of what the file holds (NaN as null, no undefined).
  return sha256Hex(canonicalJson(JSON.parse(JSON.stringify(body))));
}

/** A manifest with its checksum set, ready to write. */
export function sealManifest(m: Omit<Manifest, "format" | "checksum">): Manifest {
  const body: Manifest = { format: 2, ...m };
  return { ...body, checksum: manifestChecksum(body) };
}

/** Parse and check a manifest; returns a problem string instead of throwing. */
export function parseManifest(text: string, key: string): Manifest | string {
  let m: Manifest;
  try {
    m = JSON.parse(text);
  } catch {
    return "manifest.json is not valid JSON";
  }
  if (m?.format !== 1 && m?.format !== 2) return "manifest.json has an unknown format";
  if (m.key !== key) return `manifest.json names key ${m.key}`;
  if (!m.files || typeof m.files !== "object") return "manifest.json lists no files";
  if (m.format === 2) {
    let sum: string | undefined;
    try {
      sum = manifestChecksum(m);
    } catch { /* a value JSON cannot hold: not what was sealed */ }
    if (typeof m.checksum !== "string" || sum !== m.checksum) {
      return "manifest.json: its checksum does not match its content (edited or damaged)";
    }
  }
  return m;
}
