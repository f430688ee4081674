/**
 * MD5 of files, the checksum the dataset publishers give. A small sidecar in the user's cache
 * folder remembers each file's MD5 under its path, size and modification time, so that asking
 * again (every `plan`, every load) costs one `stat` instead of reading hundreds of megabytes.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { userCacheDir } from "./data_dir.ts";

const CHUNK = 4 << 20;
/** Entries kept in the sidecar; the oldest are dropped beyond this. */
const MAX_ENTRIES = 500;

/** Hex MD5 of bytes. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** Hex MD5 of a file, read in chunks. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash("md5");
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(CHUNK);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
  }
  return hash.digest("hex");
}

interface SidecarEntry {
  size: number;
  mtime: number;
  md5: string;
}

/** Where the sidecar lives. */
export function md5SidecarPath(): string {
  return join(userCacheDir(), "born-again", "md5-sidecar.json");
}

async function readSidecar(path: string): Promise<Record<string, SidecarEntry>> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(path));
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

async function writeSidecar(path: string, entries: Record<string, SidecarEntry>): Promise<void> {
  const keys = Object.keys(entries);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete entries[key];
  // Temp file then rename: concurrent workers may lose each other's entries (recomputed later)
  // but never read a half-written sidecar.
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(tmp, JSON.stringify(entries));
    await Deno.rename(tmp, path);
  } catch {
    // A cache that cannot be written only costs speed.
    await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * MD5 of a file, from the sidecar when the file's size and modification time are unchanged,
 * otherwise computed and remembered.
 *
 * @example
 * ```ts
 * const sum = await cachedMd5("/data/ptb/ptb.train.txt"); // "f26c4b92c5fdc7b3f8c7cdcb991d8420"
 * ```
 */
export async function cachedMd5(path: string, sidecar: string = md5SidecarPath()): Promise<string> {
  const abs = resolve(path);
  const info = await Deno.stat(abs);
  const mtime = info.mtime?.getTime() ?? 0;
  const entries = await readSidecar(sidecar);
  const hit = entries[abs];
  if (hit && hit.size === info.size && hit.mtime === mtime && typeof hit.md5 === "string") {
    return hit.md5;
  }
  const md5 = await md5File(abs);
  delete entries[abs]; // re-insert at the end: the newest entries survive trimming
  entries[abs] = { size: info.size, mtime, md5 };
  await writeSidecar(sidecar, await mergeLatest(sidecar, entries));
  return md5;
}

/** Re-read the sidecar just before writing so a long hash does not erase others' entries. */
async function mergeLatest(
  path: string,
  mine: Record<string, SidecarEntry>,
): Promise<Record<string, SidecarEntry>> {
  return { ...(await readSidecar(path)), ...mine };
}
