/**
 * A lock file that survives its owner's death: the owner refreshes the file's modification time
 * while it works, and a lock left untouched for `staleMs` is taken over. Keeps two workers from
 * downloading the same archive into the same partial file.
 *
 * @module
 */

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** A lock not refreshed for this long is stale (default 30 s). */
  staleMs?: number;
  /** How often the owner refreshes it (default 5 s). */
  heartbeatMs?: number;
  /** How often a waiter looks again (default 250 ms). */
  pollMs?: number;
  /** Told once when the lock is held by someone else. */
  onWait?: () => void;
}

/**
 * Run `fn` while holding the lock file at `path` (created exclusively, removed afterwards).
 *
 * @example
 * ```ts
 * await withFileLock("/data/.downloads/cifar-10-binary.tar.gz.lock", () => download());
 * ```
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const pollMs = options.pollMs ?? 250;
  let told = false;
  for (;;) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      file.close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const mtime = (await Deno.stat(path).catch(() => null))?.mtime?.getTime();
    if (mtime !== undefined && Date.now() - mtime > staleMs) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    if (!told) options.onWait?.();
    told = true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const beat = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, heartbeatMs);
  try {
    return await fn();
  } finally {
    clearInterval(beat);
    await Deno.remove(path).catch(() => {});
  }
}
