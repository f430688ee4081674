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
