/**
 * Expected failures: values with a reason that the CLI turns into one clear message naming the
 * pipeline file, step and field. Only bugs throw other errors.
 *
 * @module
 */

/** Why a pipeline or step failed, for programs (`--json`) and tests. */
export type FailureReason =
  | "invalid-pipeline"
  | "bad-param"
  | "cycle"
  | "unknown-step"
  | "missing-teacher"
  | "type-mismatch"
  | "unknown-plugin"
  | "missing-file"
  | "nan-loss"
  | "step-failed"
  | "bug"
  | "interrupted"
  | "killed"
  | "no-space"
  | "permission"
  | "cache"
  /** A cached input of the step was corrupt or gone when its worker read it. */
  | "input-corrupt";

/** Where an error is. */
export interface ErrorLocation {
  file?: string;
  step?: string;
  field?: string;
  reason: FailureReason;
  cause?: unknown;
}

/** A user-facing error. */
export class PipelineError extends Error {
  override name = "PipelineError";
  readonly file?: string;
  readonly step?: string;
  readonly field?: string;
  readonly reason: FailureReason;
  constructor(message: string, where: ErrorLocation) {
    super(message, { cause: where.cause });
    this.file = where.file;
    this.step = where.step;
    this.field = where.field;
    this.reason = where.reason;
  }
  /** `file: step "x", field "y": message`. */
  describe(): string {
    const parts = [
      this.file,
      this.step && `step "${this.step}"`,
      this.field && `field "${this.field}"`,
    ]
      .filter(Boolean);
    return parts.length ? `${parts.join(", ")}: ${this.message}` : this.message;
  }
}

/** Whether `e` is a write that failed because the disk (or the user's quota) is full. */
export function isNoSpace(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

/** The path in a Deno file-system error message (`…: writefile '/a/b'`), if any. */
export function errorPath(e: unknown): string | undefined {
  return e instanceof Error ? e.message.match(/: \w+ '([^']+)'/)?.[1] : undefined;
}

/**
 * A full disk as a plain failure: `no space left on <path> (<doing>); <then>`. `path` is the
 * folder being written, which the user can free space on; the file is usually a temporary one.
 */
export function noSpaceError(
  path: string,
  doing: string,
  then: string,
  where: Omit<ErrorLocation, "reason"> = {},
): PipelineError {
  return new PipelineError(`no space left on ${path} (${doing}); ${then}`, {
    ...where,
    reason: "no-space",
  });
}
