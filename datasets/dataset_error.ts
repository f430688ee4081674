/**
 * The expected ways loading a dataset fails. Each error names the file it is about, so the CLI
 * and the worker can print one clear line.
 *
 * @module
 */

/** Why a dataset could not be loaded. */
export type DatasetFailure =
  /** A needed file is absent and could not be downloaded. */
  | "missing-file"
  /** A file's checksum differs from the official one (or a download's from its source). */
  | "checksum"
  /** A file is not in the expected format (size not a whole number of records, bad label...). */
  | "bad-format"
  /** The download failed (server error, truncated transfer, network unreachable). */
  | "download";

/** A user-facing dataset error naming the file concerned. */
export class DatasetError extends Error {
  override name = "DatasetError";
  /** What went wrong. */
  readonly reason: DatasetFailure;
  /** The file (path or URL) the error is about. */
  readonly file: string;
  constructor(message: string, where: { reason: DatasetFailure; file: string; cause?: unknown }) {
    super(message, { cause: where.cause });
    this.reason = where.reason;
    this.file = where.file;
  }
}
