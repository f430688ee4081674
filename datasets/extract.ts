/**
 * Extract chosen files from a `.tar.gz` with `tar-stream` and node:zlib, streaming: the archive
 * is never held in memory.
 *
 * @module
 */
// @ts-types="@types/tar-stream"
import tar from "tar-stream";
import { createGunzip } from "node:zlib";
import { createReadStream } from "node:fs";
import { DatasetError } from "./dataset_error.ts";

/**
 * Write the archive entries named in `wanted` (entry path → destination path) and return the
 * entry paths found. Entry paths are compared without a leading `./`.
 *
 * @example
 * ```ts
 * await extractTarGz("cifar-10-binary.tar.gz", new Map([
 *   ["cifar-10-batches-bin/test_batch.bin", "/tmp/x/test_batch.bin"],
 * ]));
 * ```
 */
export async function extractTarGz(
  archive: string,
  wanted: Map<string, string>,
): Promise<Set<string>> {
  const found = new Set<string>();
  const extract = tar.extract();
  const gunzip = createGunzip();
  const source = createReadStream(archive);
  const fail = (e: Error) => extract.destroy(e);
  source.on("error", fail);
  gunzip.on("error", fail);
  source.pipe(gunzip).pipe(extract);
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.\//, "");
      const dest = entry.header.type === "file" ? wanted.get(name) : undefined;
      if (dest === undefined) {
        entry.resume();
        continue;
      }
      using file = await Deno.open(dest, { write: true, create: true, truncate: true });
      for await (const chunk of entry as AsyncIterable<Uint8Array>) {
        let off = 0;
        while (off < chunk.length) off += await file.write(chunk.subarray(off));
      }
      found.add(name);
    }
  } catch (e) {
    throw new DatasetError(`Cannot extract ${archive}: ${(e as Error).message}`, {
      reason: "bad-format",
      file: archive,
      cause: e,
    });
  } finally {
    source.destroy();
  }
  return found;
}
