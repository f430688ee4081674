/**
 * SHA-256 of an entry's files, remembered by size, mtime and inode so that checking an entry
 * before every use does not re-read big weights each time. Hashes live in memory and in a side
 * file per entry (`hashes/<key>.json`), written only when something new was hashed and only when
 * the cache can be written: a read-only cache still works, it just hashes once per process.
 *
 * A hash is trusted again only if the file's mtime was at least {@linkcode SETTLED_MS} older than
 * the moment it was hashed (as git treats "racily clean" files): a write within the same clock tick
 * as the hashing would otherwise leave size, mtime and inode unchanged.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { sha256 } from "../util/hash.ts";
import { isReadOnlyError } from "./read_only.ts";

/** A file's size and SHA-256. */
export interface FileDigest {
  size: number;
  sha256: string;
}

/** A remembered hash and the file identity it belongs to. */
interface HashRecord extends FileDigest {
  mtimeMs: number;
  ino: number | null;
  hashedAtMs: number;
}

/** How much older than its hashing a file's mtime must be for its hash to be trusted later. */
export const SETTLED_MS = 2000;

/** Stream a file through SHA-256. */
export async function hashFile(path: string): Promise<FileDigest> {
  const h = sha256();
  let size = 0;
  using f = await Deno.open(path);
  const buf = new Uint8Array(1 << 20);
  while (true) {
    const n = await f.read(buf);
    if (n === null) break;
    size += n;
    h.update(buf.subarray(0, n));
  }
  return { size, sha256: h.hex() };
}

const sameFile = (r: HashRecord, st: Deno.FileInfo) =>
  r.size === st.size && r.mtimeMs === (st.mtime?.getTime() ?? -1) && r.ino === (st.ino ?? null);
const settled = (r: HashRecord) => r.hashedAtMs - r.mtimeMs >= SETTLED_MS;

/** Stat-keyed hashes of entry files; one per store object. */
export class EntryHashes {
  /** By entry key, then path inside the entry. */
  #known = new Map<string, Map<string, HashRecord>>();
  #changed = new Set<string>();
  #writable = true;

  /** `sideFile(key)`: where an entry's hashes are kept between processes. */
  constructor(readonly sideFile: (key: string) => string) {}

  async #records(key: string): Promise<Map<string, HashRecord>> {
    let records = this.#known.get(key);
    if (records) return records;
    records = new Map();
    try {
      const saved = JSON.parse(await Deno.readTextFile(this.sideFile(key)));
      for (const [rel, r] of Object.entries(saved?.files ?? {})) {
        records.set(rel, r as HashRecord);
      }
    } catch { /* none yet, or unreadable: hash again */ }
    this.#known.set(key, records);
    return records;
  }

  /**
   * SHA-256 of `rel` inside entry `key` (folder `dir`), whose stat is `st`: a remembered hash
   * when the file is unchanged since, else read. `fresh` always reads (what `verify` does).
   */
  async sha256(
    key: string,
    dir: string,
    rel: string,
    st: Deno.FileInfo,
    fresh = false,
  ): Promise<string> {
    const records = await this.#records(key);
    const known = records.get(rel);
    if (!fresh && known && sameFile(known, st) && settled(known)) return known.sha256;
    const hashedAtMs = Date.now();
    const digest = await hashFile(join(dir, rel));
    const record = {
      ...digest,
      mtimeMs: st.mtime?.getTime() ?? -1,
      ino: st.ino ?? null,
      hashedAtMs,
    };
    // Remembered only when it can be trusted later and differs from what is remembered.
    if (settled(record) && (!known || known.sha256 !== record.sha256 || !sameFile(known, st))) {
      this.#changed.add(key);
    }
    records.set(rel, record);
    return digest.sha256;
  }

  /** Write the side file of `key` if new hashes were learnt; never fails (it is only a cache). */
  async save(key: string): Promise<void> {
    if (!this.#changed.delete(key) || !this.#writable) return;
    const files = Object.fromEntries(
      [...(this.#known.get(key) ?? [])].filter(([, r]) => settled(r)),
    );
    const path = this.sideFile(key);
    const tmp = `${path}.${Deno.pid}.tmp`;
    try {
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeTextFile(tmp, JSON.stringify({ files }));
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      // A read-only cache: stop trying for the rest of this process.
      if (isReadOnlyError(e)) this.#writable = false;
    }
  }

  /** Forget an entry's hashes (it was moved away). */
  async forget(key: string): Promise<void> {
    this.#known.delete(key);
    this.#changed.delete(key);
    await Deno.remove(this.sideFile(key)).catch(() => {});
  }
}
