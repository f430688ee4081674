/**
 * The relative imports of the project's TypeScript files, read from their text: what the
 * architecture tests check.
 *
 * @module
 */
import { dirname, join, normalize } from "node:path";

/** One relative import of a file. */
export interface Import {
  /** Project-relative path of the importing file. */
  from: string;
  /** Project-relative path of the imported file. */
  to: string;
  /** `import type` / `export type` / every name marked `type`. */
  typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["'](\.{1,2}\/[^"']+)["']/gm;
const BARE = /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** The relative imports of `text`, the source of the project-relative file `from`. */
export function importsOf(from: string, text: string): Import[] {
  const resolve = (spec: string) => normalize(join(dirname(from), spec));
  const out: Import[] = [];
  for (const m of text.matchAll(STATIC)) {
    const names = m[3].trim();
    // `{ type A, type B }` is as type-only as `import type { A, B }`.
    const allTyped = /^\{[^}]*\}$/.test(names) &&
      names.slice(1, -1).split(",").map((n) => n.trim()).filter((n) => n)
        .every((n) => n.startsWith("type "));
    out.push({ from, to: resolve(m[4]), typeOnly: m[2] !== undefined || allTyped });
  }
  for (const m of text.matchAll(BARE)) out.push({ from, to: resolve(m[1]), typeOnly: false });
  for (const m of text.matchAll(DYNAMIC)) out.push({ from, to: resolve(m[1]), typeOnly: false });
  return out;
}

/** Every `.ts` file under `dir`, recursively. */
export async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* tsFiles(path);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield path;
  }
}
