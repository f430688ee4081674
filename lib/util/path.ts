/** File URL helpers (node:url is built into Deno; no remote std needed). @module */
import { fileURLToPath, pathToFileURL } from "node:url";

/** `file:` URL → absolute path. */
export function fromFileUrl(url: string | URL): string {
  return fileURLToPath(url);
}

/** Absolute path → `file:` URL. */
export function toFileUrl(path: string): URL {
  return pathToFileURL(path);
}

/**
 * Each path and, where it exists and differs, its real path. Deno checks a permission against the
 * path a program names, so a grant for a folder reached through a symbolic link (a data dir or
 * cache on another disk) must list both spellings.
 */
export function withRealPaths(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    out.add(p);
    try {
      out.add(Deno.realPathSync(p));
    } catch { /* not there (yet): the path as given is all there is */ }
  }
  return [...out];
}
