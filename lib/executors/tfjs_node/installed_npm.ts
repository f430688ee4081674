/**
 * Find an npm package already on disk (a `node_modules` folder above the working directory, or
 * Deno's npm cache) without touching the network, so an executor that needs an optional native
 * package can say "not installed" at once instead of starting a download.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import * as os from "node:os";
import { dirname, join } from "node:path";

/** Deno's cache folder: DENO_DIR, else the platform default. */
export function denoCacheDir(): string {
  const env = Deno.env.get("DENO_DIR");
  if (env) return env;
  const home = os.homedir();
  if (Deno.build.os === "darwin") return join(home, "Library", "Caches", "deno");
  if (Deno.build.os === "windows") {
    return join(Deno.env.get("LOCALAPPDATA") ?? join(home, "AppData", "Local"), "deno");
  }
  return join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno");
}

/** Folders that may hold `name` at `version`, nearest first. */
function candidates(name: string, version: string): string[] {
  const out: string[] = [];
  let dir = Deno.cwd();
  for (;;) {
    out.push(join(dir, "node_modules", name));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  out.push(join(denoCacheDir(), "npm", "registry.npmjs.org", name, version));
  return out;
}

/**
 * The folder of `name@version` when it is installed together with a file matching `marker`
 * (a path relative to the package whose segments may be `*`), else undefined.
 */
export function findInstalledNpm(
  name: string,
  version: string,
  marker: string,
): string | undefined {
  for (const root of candidates(name, version)) {
    if (exists(root) && matches(root, marker.split("/"))) return root;
  }
  return undefined;
}

/** Whether `path` exists; a folder this process may not read counts as absent. */
function exists(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}

function matches(dir: string, parts: string[]): boolean {
  if (parts.length === 0) return true;
  const [head, ...rest] = parts;
  if (head !== "*") return exists(join(dir, head)) && matches(join(dir, head), rest);
  try {
    return readdirSync(dir).some((entry) => matches(join(dir, entry), rest));
  } catch {
    return false;
  }
}
