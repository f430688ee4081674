/**
 * Where dataset files live: an explicit folder (the `--data-dir` flag), else the
 * `BORN_AGAIN_DATA` environment variable, else `born-again/data` under the user's cache folder.
 *
 * @module
 */
import { join, resolve } from "node:path";

/** Environment variable naming the data folder. */
export const DATA_DIR_ENV = "BORN_AGAIN_DATA";
/** Environment variable naming a mirror that serves every dataset file by its base name. */
export const DATA_URL_ENV = "BORN_AGAIN_DATA_URL";

/**
 * The user's cache folder: `$XDG_CACHE_HOME`, else `~/.cache` (`%LOCALAPPDATA%` on Windows).
 *
 * @example
 * ```ts
 * const dir = userCacheDir(); // "/home/me/.cache"
 * ```
 */
export function userCacheDir(): string {
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return resolve(xdg);
  if (Deno.build.os === "windows") {
    const local = Deno.env.get("LOCALAPPDATA");
    if (local) return resolve(local);
  }
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) throw new Error("Cannot find a cache folder: HOME and XDG_CACHE_HOME are unset");
  return join(home, ".cache");
}

/**
 * Resolve the data folder to an absolute path.
 *
 * @param explicit The `--data-dir` value, when given; it wins over the environment.
 * @example
 * ```ts
 * const env = { dataDir: resolveDataDir(flags.dataDir), verify: true };
 * ```
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const fromEnv = Deno.env.get(DATA_DIR_ENV);
  if (fromEnv) return resolve(fromEnv);
  return join(userCacheDir(), "born-again", "data");
}
