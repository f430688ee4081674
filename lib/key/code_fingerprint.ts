/**
 * Code fingerprints: the SHA-256 of a module and of every local module it imports, transitively,
 * stopping at plumbing (`code_scope.ts`). Only local files count (relative specifiers); npm
 * packages are pinned by the lock file and recorded as provenance.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { fromFileUrl } from "../util/path.ts";
import { sha256Hex } from "../util/hash.ts";
import { isPlumbing, STEP_ROOTS } from "./code_scope.ts";

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

const fileHashes = new Map<string, { hash: string; deps: string[] }>();

function scan(path: string): { hash: string; deps: string[] } {
  let entry = fileHashes.get(path);
  if (entry) return entry;
  const text = readFileSync(path, "utf8");
  const deps: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    // Type-only imports vanish at run time, so they do not change what runs.
    if (/^\s*;?\s*(?:import|export)\s+type\s/.test(m[0])) continue;
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec && (spec.startsWith("./") || spec.startsWith("../"))) {
      deps.push(resolve(dirname(path), spec));
    }
  }
  entry = { hash: sha256Hex(text), deps };
  fileHashes.set(path, entry);
  return entry;
}

/**
 * Map of path → SHA-256 for `entry` (a module id, a `file:` URL or an absolute path) and the local
 * modules it imports, skipping plumbing. Paths inside the project are relative to it.
 */
export function codeFingerprint(entry: string): Record<string, string> {
  const start = entry.startsWith("file:")
    ? fromFileUrl(entry)
    : entry.startsWith("/")
    ? entry
    : resolve(PROJECT_ROOT, entry);
  const out: Record<string, string> = {};
  const stack = [start];
  const seen = new Set<string>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const rel = relative(PROJECT_ROOT, p);
    const name = rel.startsWith("..") ? p : rel;
    if (isPlumbing(name)) continue;
    const { hash, deps } = scan(p);
    out[name] = hash;
    stack.push(...deps);
  }
  return out;
}

/** The fingerprint of a step kind's numerical code: its roots and their non-plumbing imports. */
export function stepCode(kind: keyof typeof STEP_ROOTS): Record<string, string> {
  return Object.assign({}, ...STEP_ROOTS[kind].map((r) => codeFingerprint(r)));
}

/** Forget cached file hashes (tests that edit files). */
export function clearCodeFingerprintCache(): void {
  fileHashes.clear();
}
