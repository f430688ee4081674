/**
 * Make a dataset's files present and trustworthy: find them in the data folder, check record
 * sizes (always) and official MD5s (unless verification is off), download and extract what is
 * missing, and say exactly what to fetch by hand when the network is out of reach.
 *
 * @module
 */
import { basename, join } from "node:path";
import type { DataEnv } from "../lib/plugin/runtime.ts";
import { DATA_DIR_ENV, DATA_URL_ENV } from "./data_dir.ts";
import { DatasetError } from "./dataset_error.ts";
import { downloadFile } from "./download.ts";
import { extractTarGz } from "./extract.ts";
import { withFileLock } from "./file_lock.ts";
import { cachedMd5, md5File } from "./md5.ts";
import type { DatasetSource, SourceFile } from "./sources.ts";

/** A dataset file that is present and will be used. */
export interface PresentFile {
  name: string;
  /** Absolute path. */
  path: string;
  size: number;
  /** The official MD5, or `null` for files that carry no data. */
  officialMd5: string | null;
}

/** Download tuning, mostly for tests. */
export interface AcquireOptions {
  /** Tries per download (default 3). */
  attempts?: number;
  /** Pause before the first retry (default 1000 ms). */
  retryDelayMs?: number;
}

interface FileState {
  file: SourceFile;
  path: string;
  size: number | null;
}

async function statFiles(source: DatasetSource, dir: string): Promise<FileState[]> {
  return await Promise.all(source.files.map(async (file) => {
    const path = join(dir, file.name);
    try {
      const info = await Deno.stat(path);
      return { file, path, size: info.isFile ? info.size : null };
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return { file, path, size: null };
      throw e;
    }
  }));
}

/** Files to fetch: all missing ones when verifying; unverified, only if a required one is. */
function toFetch(states: FileState[], verify: boolean): FileState[] {
  const missing = states.filter((s) => s.size === null);
  if (verify) return missing;
  return missing.some((s) => !s.file.optional) ? missing : [];
}

function checkRecords(state: FileState): void {
  const { file, path, size } = state;
  if (size === null || !file.recordBytes) return;
  if (size === 0 || size % file.recordBytes !== 0) {
    throw new DatasetError(
      `${path} is ${size} bytes, not a whole number of ${file.recordBytes}-byte records ` +
        `(${Math.floor(size / file.recordBytes)} records and ${size % file.recordBytes} bytes ` +
        `over): the file is truncated or not in the official format`,
      { reason: "bad-format", file: path },
    );
  }
}

/** Where to fetch `url` from: the canonical host, or the mirror given by env or variable. */
export function downloadUrl(url: string, env: DataEnv): string {
  const base = env.baseUrl ?? Deno.env.get(DATA_URL_ENV);
  return base ? `${base.replace(/\/+$/, "")}/${basename(new URL(url).pathname)}` : url;
}

/** What a user must do by hand to provide the files. */
export function manualInstructions(source: DatasetSource, dir: string, names: string[]): string {
  const get = source.archive
    ? `download ${source.archive.url} (md5 ${source.archive.md5}) and extract its ` +
      `${source.archive.prefix}/ folder into ${join(dir, "..")}`
    : `download ${
      source.files.filter((f) => names.includes(f.name)).map((f) => `${f.url} (md5 ${f.md5})`)
        .join(", ")
    } into ${dir}`;
  return `${source.title} needs ${names.join(", ")} in ${dir}: ${get} (see ${source.page}), ` +
    `or point --data-dir or ${DATA_DIR_ENV} at a folder that holds ${source.dir}/`;
}

async function verifyPresent(source: DatasetSource, states: FileState[]): Promise<void> {
  for (const { file, path, size } of states) {
    if (size === null || !file.md5) continue;
    const got = await cachedMd5(path);
    if (got !== file.md5) {
      throw new DatasetError(
        `Checksum mismatch for ${path}: the official ${source.title} ${file.name} has md5 ` +
          `${file.md5}, this file has ${got} (a truncated file, another version or a subset?). ` +
          `Replace it, or turn verification off (verify: false, --no-verify) to use it as it is`,
        { reason: "checksum", file: path },
      );
    }
  }
}

async function fetchArchive(
  source: DatasetSource,
  dir: string,
  downloads: string,
  env: DataEnv,
  options: AcquireOptions,
): Promise<void> {
  const archive = source.archive!;
  const archivePath = join(downloads, basename(new URL(archive.url).pathname));
  await withFileLock(`${archivePath}.lock`, async () => {
    // Another process may have finished while we waited for the lock.
    const missing = toFetch(await statFiles(source, dir), env.verify);
    if (!missing.length) return;
    const have = await Deno.stat(archivePath).then(() => true, () => false);
    if (!have || (await md5File(archivePath)) !== archive.md5) {
      await downloadFile(downloadUrl(archive.url, env), archivePath, {
        md5: archive.md5,
        size: archive.size,
        progress: env.progress,
        ...options,
      });
    }
    env.progress?.(`extracting ${missing.map((s) => s.file.name).join(", ")}`);
    const tmp = await Deno.makeTempDir({ dir: downloads, prefix: "extract-" });
    try {
      const wanted = new Map(
        missing.map((s) => [`${archive.prefix}/${s.file.name}`, join(tmp, s.file.name)]),
      );
      const found = await extractTarGz(archivePath, wanted);
      for (const [entry] of wanted) {
        if (!found.has(entry)) {
          throw new DatasetError(`${archivePath} has no entry ${entry}`, {
            reason: "bad-format",
            file: archivePath,
          });
        }
      }
      for (const { file } of missing) {
        const got = file.md5 ? await md5File(join(tmp, file.name)) : null;
        if (got !== null && got !== file.md5) {
          throw new DatasetError(
            `Checksum mismatch for ${file.name} extracted from ${archivePath}: expected md5 ` +
              `${file.md5}, got ${got}`,
            { reason: "checksum", file: archivePath },
          );
        }
      }
      await Deno.mkdir(dir, { recursive: true });
      // Each rename is atomic: a file under its final name is always complete and checked.
      for (const { file, path } of missing) await Deno.rename(join(tmp, file.name), path);
      await Deno.remove(archivePath);
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  });
}

async function fetchLoose(
  missing: FileState[],
  dir: string,
  downloads: string,
  env: DataEnv,
  options: AcquireOptions,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for (const { file, path } of missing) {
    const staged = join(downloads, file.name);
    await withFileLock(`${staged}.lock`, async () => {
      if (await Deno.stat(path).then(() => true, () => false)) return;
      await downloadFile(downloadUrl(file.url!, env), staged, {
        md5: file.md5 ?? undefined,
        size: file.size,
        progress: env.progress,
        ...options,
      });
      await Deno.rename(staged, path);
    });
  }
}

/**
 * Make sure `source`'s files are in `env.dataDir` and return those to use.
 *
 * With `env.verify`, every file must be present (missing ones are downloaded) and match its
 * official MD5. Without it, present files are used as they are, and missing optional files
 * (CIFAR-10 training batches 2-5) are skipped. Downloads are always checked. A size that is not
 * a whole number of records is always an error.
 *
 * @example
 * ```ts
 * const files = await ensureDataset(PTB_SOURCE, { dataDir: "/data", verify: true });
 * ```
 */
export async function ensureDataset(
  source: DatasetSource,
  env: DataEnv,
  options: AcquireOptions = {},
): Promise<PresentFile[]> {
  const dir = join(env.dataDir, source.dir);
  let states = await statFiles(source, dir);
  states.forEach(checkRecords);
  if (env.verify) await verifyPresent(source, states);
  const missing = toFetch(states, env.verify);
  if (missing.length) {
    const downloads = join(env.dataDir, ".downloads");
    const names = missing.map((s) => s.file.name);
    env.progress?.(`${source.title}: fetching ${names.join(", ")} into ${dir}`);
    try {
      await Deno.mkdir(downloads, { recursive: true });
      if (source.archive) await fetchArchive(source, dir, downloads, env, options);
      else await fetchLoose(missing, dir, downloads, env, options);
    } catch (e) {
      const why = e instanceof DatasetError ? e.message : `${(e as Error).message ?? e}`;
      throw new DatasetError(`${why}. ${manualInstructions(source, dir, names)}`, {
        reason: e instanceof DatasetError ? e.reason : "missing-file",
        file: e instanceof DatasetError ? e.file : join(dir, names[0]),
        cause: e,
      });
    }
    states = await statFiles(source, dir);
    states.forEach(checkRecords);
  }
  return states
    .filter((s) => s.size !== null)
    .map((s) => ({ name: s.file.name, path: s.path, size: s.size!, officialMd5: s.file.md5 }));
}

/**
 * The MD5 of every data file the dataset will be built from, without parsing or downloading:
 * the official list when verifying (after checking the files already present against it);
 * otherwise the present files' actual MD5s (remembered in a sidecar) and the official MD5 of
 * files a download would bring.
 */
export async function datasetChecksums(
  source: DatasetSource,
  env: DataEnv,
): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  const states = await statFiles(source, join(env.dataDir, source.dir));
  states.forEach(checkRecords);
  if (env.verify) {
    // Files already here must be the official ones: say so at plan time, before any training
    // (their MD5s are remembered, so this reads each file once).
    await verifyPresent(source, states);
    for (const f of source.files) if (f.md5) sums[f.name] = f.md5;
    return sums;
  }
  const fetched = new Set(toFetch(states, false));
  for (const s of states) {
    if (!s.file.md5) continue;
    if (s.size !== null) sums[s.file.name] = await cachedMd5(s.path);
    else if (fetched.has(s)) sums[s.file.name] = s.file.md5;
  }
  return sums;
}
