/**
 * Fetch one file over HTTP into place, safely: bytes go to `<dest>.part`, an interrupted
 * transfer is resumed with a `Range` request, the finished file is checked (size, MD5) and only
 * then renamed to `dest`. A partial or corrupt download is never found under the final name.
 *
 * @module
 */
import { DatasetError } from "./dataset_error.ts";
import { md5File } from "./md5.ts";

/** Options for {@linkcode downloadFile}. */
export interface DownloadOptions {
  /** Expected MD5 of the whole file; a mismatch deletes the download and throws. */
  md5?: string;
  /** Expected size in bytes; a transfer ending short of it is truncated. */
  size?: number;
  /** Progress lines ("cifar-10-binary.tar.gz: 12.0 of 170.1 MB (7%)"), about once a second. */
  progress?: (message: string) => void;
  /** Tries in all, each resuming where the last stopped (default 3). */
  attempts?: number;
  /** Pause before a retry, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
}

/** A failed transfer; `retry` when it is worth another try (it broke off mid-way). */
class TransferError extends Error {
  override name = "TransferError";
  constructor(message: string, readonly retry: boolean, options?: ErrorOptions) {
    super(message, options);
  }
}

const MB = 1e6;

function fmtMB(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

/** One HTTP request, appending to `part` from its current length. */
async function transfer(
  url: string,
  part: string,
  label: string,
  options: DownloadOptions,
): Promise<void> {
  const have = await sizeOf(part);
  if (options.size !== undefined && have === options.size) return;
  let response: Response;
  try {
    response = await fetch(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
  } catch (e) {
    // A host that cannot be reached at all is not worth retrying; a broken resume is.
    throw new TransferError(`cannot reach ${url}: ${(e as Error).message}`, have > 0, {
      cause: e,
    });
  }
  if (response.status === 416 && have > 0) {
    // The partial file is not a prefix the server recognises: start over.
    await response.body?.cancel();
    await Deno.remove(part);
    throw new TransferError(`${url} refused to resume at byte ${have}`, true);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DatasetError(
      `Download of ${url} failed: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      { reason: "download", file: url },
    );
  }
  const resumed = response.status === 206;
  const length = Number(response.headers.get("content-length") ?? NaN);
  const total = options.size ?? (Number.isFinite(length) ? length + (resumed ? have : 0) : NaN);
  using file = await Deno.open(part, {
    write: true,
    create: true,
    append: resumed,
    truncate: !resumed,
  });
  let received = resumed ? have : 0;
  let lastReport = 0;
  const report = () => {
    lastReport = Date.now();
    const pct = Number.isFinite(total) ? ` (${Math.floor((100 * received) / total)}%)` : "";
    const of = Number.isFinite(total) ? ` of ${fmtMB(total)}` : "";
    options.progress?.(`${label}: ${fmtMB(received)}${of} MB${pct}`);
  };
  try {
    for await (const chunk of response.body!) {
      let off = 0;
      while (off < chunk.length) off += await file.write(chunk.subarray(off));
      received += chunk.length;
      if (Date.now() - lastReport > 1000) report();
    }
  } catch (e) {
    throw new TransferError(
      `transfer of ${url} broke off after ${received} bytes: ${(e as Error).message}`,
      true,
      { cause: e },
    );
  }
  report();
  if (Number.isFinite(total) && received < total) {
    throw new TransferError(
      `transfer of ${url} truncated: received ${received} of ${total} bytes`,
      true,
    );
  }
}

/**
 * Download `url` to `dest` (resuming a previous `dest.part`), verify it, then rename it into
 * place. Throws {@linkcode DatasetError} with reason `"download"` or `"checksum"`.
 *
 * @example
 * ```ts
 * await downloadFile("https://example.org/ptb.train.txt", "/data/ptb/ptb.train.txt", {
 *   md5: "f26c4b92c5fdc7b3f8c7cdcb991d8420",
 * });
 * ```
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<void> {
  const part = `${dest}.part`;
  const label = url.slice(url.lastIndexOf("/") + 1);
  const attempts = Math.max(1, options.attempts ?? 3);
  let delay = options.retryDelayMs ?? 1000;
  for (let attempt = 1;; attempt++) {
    try {
      await transfer(url, part, label, options);
      break;
    } catch (e) {
      if (!(e instanceof TransferError)) throw e;
      if (attempt >= attempts || !e.retry) {
        const tries = attempt > 1 ? ` after ${attempt} tries` : "";
        throw new DatasetError(`Download failed${tries}: ${e.message}`, {
          reason: "download",
          file: url,
          cause: e,
        });
      }
      options.progress?.(`${label}: ${e.message}; retrying (${attempt + 1} of ${attempts})`);
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
  const size = await sizeOf(part);
  if (options.size !== undefined && size > options.size) {
    await Deno.remove(part);
    throw new DatasetError(
      `Download of ${url} is ${size} bytes, more than the expected ${options.size}`,
      { reason: "download", file: url },
    );
  }
  if (options.md5) {
    const got = await md5File(part);
    if (got !== options.md5) {
      // A wrong file must not be resumed from next time either.
      await Deno.remove(part);
      throw new DatasetError(
        `Checksum mismatch for ${label} downloaded from ${url}: expected md5 ${options.md5}, got ${got}`,
        { reason: "checksum", file: url },
      );
    }
  }
  await Deno.rename(part, dest);
}
