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
  | "cache";

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
