/**
 * What a Slurm job's state means for its step. Judged by the state, not the exit code: a worker
 * that checkpoints on the time-limit warning and exits is FAILED with code 130 to Slurm, while
 * one that hits the limit itself is TIMEOUT whatever its code.
 *
 * @module
 */

/** One job as squeue / scontrol report it. */
export interface JobInfo {
  id: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, … (a trailing `+` removed). */
  state: string;
  /** Why it pends or ended (`Resources`, `NonZeroExitCode`, `TimeLimit`); "None" when none. */
  reason: string;
  /** Seconds it has run. */
  runSeconds?: number;
  /** Its time limit in seconds; undefined when unlimited or unknown. */
  limitSeconds?: number;
  /** Node(s) it runs or ran on. */
  nodes?: string;
  comment?: string;
  /** From scontrol once ended: the exit code and the signal that ended it. */
  exitCode?: number;
  signal?: number;
}

/** States after which a job will not run again by itself. */
const FINAL = new Set([
  "BOOT_FAIL",
  "CANCELLED",
  "COMPLETED",
  "DEADLINE",
  "FAILED",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "TIMEOUT",
  "REVOKED",
  "SPECIAL_EXIT",
  // Not a Slurm state: the job is known to no command (purged, or the controller lost it).
  "VANISHED",
]);

/** Whether a job in `state` has ended. */
export function isFinal(state: string): boolean {
  return FINAL.has(state);
}

/** Seconds in a Slurm duration (`27`, `1:00`, `01:02:03`, `1-02:03:04`); undefined if none. */
export function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = text.trim().match(/^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/);
  if (!m) return undefined; // UNLIMITED, INVALID, NOT_SET, N/A
  const [, d, a, b, c] = m;
  const days = Number(d ?? 0);
  // D-HH[:MM[:SS]] counts hours after the day; plain forms are [[HH:]MM:]SS.
  if (d !== undefined) {
    return days * 86400 + Number(a) * 3600 + Number(b ?? 0) * 60 + Number(c ?? 0);
  }
  if (c !== undefined) return Number(a) * 3600 + Number(b) * 60 + Number(c);
  if (b !== undefined) return Number(a) * 60 + Number(b);
  return Number(a);
}

/** Seconds in an sbatch `--time` value, whose bare number means minutes. */
export function timeLimitSeconds(time: string): number | undefined {
  return /^\d+$/.test(time) ? Number(time) * 60 : parseDuration(time);
}

/** `1:00` style, for messages. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return "unlimited";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  const mmss = `${String(m).padStart(h ? 2 : 1, "0")}:${String(s).padStart(2, "0")}`;
  return h ? `${h}:${mmss}` : mmss;
}

/** What the launcher does about an ended job. */
export type JobVerdict =
  | { kind: "success" }
  /** Stopped before finishing but resumable from its checkpoint: submit again (bounded). */
  | { kind: "retry"; reason: "timeout" | "preempted" | "node-fail"; message: string }
  /** The step failed: report it. */
  | { kind: "failed"; reason: string; message: string }
  /** We cancelled it (Ctrl-C). */
  | { kind: "interrupted"; message: string };

/** What else the launcher knows when a job ends. */
export interface JobContext {
  /** The worker reported a result (`done` event) or the entry is committed. */
  committed: boolean;
  /** The worker's own error event, if it sent one. */
  workerError?: { reason: string; message: string };
  /** The launcher cancelled this job (Ctrl-C). */
  cancelledByUs: boolean;
  /** Seconds before the limit at which the warning signal is due. */
  signalSeconds: number;
}

function exitText(job: JobInfo): string {
  if (job.signal) return `signal ${job.signal}`;
  return job.exitCode !== undefined ? `exit code ${job.exitCode}` : "no exit code";
}

/** Decide what an ended job means for its step. */
export function judgeJob(job: JobInfo, ctx: JobContext): JobVerdict {
  const where = job.nodes && job.nodes !== "(null)" ? ` on ${job.nodes}` : "";
  const ran = `after ${formatDuration(job.runSeconds)} of ${formatDuration(job.limitSeconds)}`;
  if (ctx.committed) return { kind: "success" };
  if (ctx.cancelledByUs) {
    return {
      kind: "interrupted",
      message: ctx.workerError?.reason === "interrupted"
        ? ctx.workerError.message
        : `Slurm job ${job.id} cancelled (${job.state})`,
    };
  }
  switch (job.state) {
    case "TIMEOUT":
      return {
        kind: "retry",
        reason: "timeout",
        message: `Slurm job ${job.id} hit its time limit ${formatDuration(job.limitSeconds)}`,
      };
    case "PREEMPTED":
      return { kind: "retry", reason: "preempted", message: `Slurm job ${job.id} was preempted` };
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return {
        kind: "retry",
        reason: "node-fail",
        message: `Slurm job ${job.id}: its node failed (${job.state}${where})`,
      };
    case "CANCELLED":
      return {
        kind: "failed",
        reason: "cancelled",
        message: `Slurm job ${job.id} was cancelled outside this run (scancel?) ${ran}${where}`,
      };
    case "OUT_OF_MEMORY":
      return {
        kind: "failed",
        reason: "out-of-memory",
        message: `Slurm job ${job.id} ran out of memory${where}: raise --slurm-mem`,
      };
    case "COMPLETED":
      return {
        kind: "failed",
        reason: "step-failed",
        message: `Slurm job ${job.id} completed${where} but its worker reported no result`,
      };
  }
  // FAILED, DEADLINE, VANISHED, …: did a signal stop a worker that then saved a checkpoint?
  const signalled = ctx.workerError?.reason === "interrupted" || job.exitCode === 130 ||
    job.signal === 15;
  if (signalled) {
    // The warning is due `signalSeconds` before the limit; slurmctld checks limits every 30 s.
    const warned = job.limitSeconds !== undefined && job.runSeconds !== undefined &&
      job.runSeconds >= job.limitSeconds - ctx.signalSeconds - 5;
    return warned
      ? {
        kind: "retry",
        reason: "timeout",
        message: `Slurm job ${job.id} checkpointed on the time-limit warning ${ran}`,
      }
      : {
        kind: "retry",
        reason: "preempted",
        message: `Slurm job ${job.id} was stopped by a signal ${ran}${where} (preemption?)`,
      };
  }
  if (ctx.workerError) {
    return {
      kind: "failed",
      reason: ctx.workerError.reason,
      message: `${ctx.workerError.message} (Slurm job ${job.id}${where}, ${exitText(job)})`,
    };
  }
  return {
    kind: "failed",
    reason: "step-failed",
    message: job.state === "VANISHED"
      ? `Slurm job ${job.id} vanished from the queue without a result`
      : `Slurm job ${job.id} ${job.state}${where} with ${exitText(job)} and no result`,
  };
}
