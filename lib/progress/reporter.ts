/**
 * Live progress on stderr. On a terminal, one line per running step is redrawn in place (step,
 * epoch, batch, loss, throughput with its unit, ETA) above a pipeline footer (`k/N steps, elapsed,
 * ETA`); otherwise plain lines, throttled, with the footer at most every 30 s and at each step's
 * end, so logs stay readable. Step lines start with the step's name, aligned to the longest
 * running one, so side-by-side steps (`--jobs 2`) read apart; `--quiet` keeps only the steps'
 * start and end lines and the footer.
 *
 * @module
 */
import type { StepReport } from "../schedule/run_plan.ts";
import type { WorkerEvent } from "../worker/events.ts";
import { PipelineProgress, type RunInfo } from "./footer.ts";
import { formatMetric, formatSeconds } from "./format.ts";

/** Receives events from the scheduler. */
export interface Reporter {
  /** The plan, once made: the steps to run, their estimates and units, the jobs. */
  run(info: RunInfo): void;
  event(e: WorkerEvent): void;
  stepDone(r: StepReport): void;
  /** A message line (plan, warnings). */
  line(message: string): void;
  close(): void;
}

/** How a reporter writes and tells time; tests give their own. */
export interface ReporterOptions {
  /** Only the steps' start and end lines and the footer. */
  quiet?: boolean;
  /** Write text (default: stderr). */
  write?: (text: string) => void;
  /** Milliseconds, from any origin (default `performance.now`). */
  clock?: () => number;
  /** Terminal width (terminal reporter; default the console's). */
  columns?: () => number;
  /** Redraw the terminal footer this often (ms) between events; 0: only on events. */
  tick?: number;
}

/** Plain mode prints the footer at most this often (ms), besides at each step's end. */
export const PLAIN_FOOTER_MS = 30_000;
/** Plain mode prints a step's batch progress at most this often (ms). */
export const PLAIN_PROGRESS_MS = 10_000;

const enc = new TextEncoder();
const stderrWrite = (s: string) => {
  Deno.stderr.writeSync(enc.encode(s));
};

/** 1234.5 → "1235 img/s", 12.34 → "12.3 img/s". */
export function formatRate(rate: number, unit?: string): string {
  const n = rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
  return unit ? `${n} ${unit}` : `${n}/s`;
}

function progressText(e: Extract<WorkerEvent, { t: "progress" }>, unit?: string): string {
  const parts = [
    e.phase === "eval" ? "evaluating" : `epoch ${e.epoch}/${e.epochs}`,
    `batch ${e.batch}/${e.batches}`,
  ];
  if (e.loss !== undefined) parts.push(`loss ${e.loss.toFixed(4)}`);
  if (e.lr !== undefined && e.phase !== "eval") parts.push(`lr ${e.lr.toPrecision(3)}`);
  if (e.rate !== undefined) parts.push(formatRate(e.rate, unit));
  if (e.eta !== undefined) parts.push(`ETA ${formatSeconds(e.eta)}`);
  return parts.join("  ");
}

/** The terminal reporter on a terminal, else the plain one, on stderr. */
export function createReporter(options: ReporterOptions = {}): Reporter {
  return Deno.stderr.isTerminal()
    ? new TerminalReporter({ tick: 1000, ...options })
    : new PlainReporter(options);
}

function epochText(e: Extract<WorkerEvent, { t: "epoch" }>): string {
  const m = e.metrics;
  const metric = typeof m.testError === "number"
    ? `test error ${m.testError.toFixed(2)}%`
    : typeof m.testPerplexity === "number"
    ? `test ppl ${m.testPerplexity.toFixed(2)}`
    : "";
  return `epoch ${e.epoch}/${e.epochs} train loss ${(m.trainLoss as number).toFixed(4)} ${metric}`;
}

function doneText(r: StepReport): string {
  switch (r.status) {
    case "cached":
      return `cached  ${formatMetric(r.result)}`;
    case "ran":
      return `done in ${formatSeconds(r.seconds)}  ${formatMetric(r.result)}`;
    case "skipped":
      return "skipped (an input failed or the run stopped)";
    default:
      return `${r.status}: ${r.error?.message ?? ""}`;
  }
}

const startText = (e: Extract<WorkerEvent, { t: "start" }>) =>
  `started on ${e.executor} (${e.threads} thread${e.threads === 1 ? "" : "s"})`;
const waitText = (e: Extract<WorkerEvent, { t: "waiting" }>) =>
  `waiting for ${e.owner}, which is computing the same step`;

/** What both reporters share: the footer's state and the step names' alignment. */
abstract class BaseReporter implements Reporter {
  protected progress: PipelineProgress;
  protected quiet: boolean;
  protected write: (text: string) => void;
  protected clock: () => number;
  /** Steps started (or waiting) and not done: their names set the prefixes' width. */
  protected active = new Set<string>();

  constructor(o: ReporterOptions) {
    this.quiet = o.quiet ?? false;
    this.write = o.write ?? stderrWrite;
    this.clock = o.clock ?? (() => performance.now());
    this.progress = new PipelineProgress(this.clock);
  }

  /** `gen1:    ` — the step's name and colon, padded to the longest running step's. */
  protected label(step: string): string {
    const width = Math.max(step.length, ...[...this.active].map((s) => s.length));
    return `${step}:`.padEnd(width + 1) + " ";
  }

  /** `gen1:    text`, with the label's trailing spaces trimmed when the text is empty. */
  protected stepLine(step: string, text: string): string {
    return (this.label(step) + text).trimEnd();
  }

  /** Whether the footer has anything to say: a step to run, and one begun. */
  protected footerDue(): boolean {
    return this.progress.total > 0 && (this.active.size > 0 || this.progress.finished > 0);
  }

  run(info: RunInfo): void {
    this.progress.setRun(info);
  }
  abstract event(e: WorkerEvent): void;
  abstract stepDone(r: StepReport): void;
  abstract line(message: string): void;
  abstract close(): void;
}

/**
 * Plain lines: progress at most every 10 s per step, epochs and results always (not with
 * `quiet`), the footer at most every 30 s and at each step's end.
 */
export class PlainReporter extends BaseReporter {
  #last = new Map<string, number>();
  #footerAt: number;

  constructor(o: ReporterOptions = {}) {
    super(o);
    this.#footerAt = this.clock();
  }

  #footer(now: number) {
    this.#footerAt = now;
    this.write(this.progress.footer() + "\n");
  }

  event(e: WorkerEvent): void {
    const now = this.clock();
    if (e.t === "start" || e.t === "waiting") this.active.add(e.step);
    this.progress.event(e);
    if (e.t === "progress") {
      const last = this.#last.get(e.step);
      const due = last === undefined || now - last >= PLAIN_PROGRESS_MS || e.batch === e.batches;
      if (due && !this.quiet) {
        this.#last.set(e.step, now);
        this.write(this.stepLine(e.step, progressText(e, this.progress.unit(e.step))) + "\n");
      }
    } else if (e.t === "epoch") {
      if (!this.quiet) this.write(this.stepLine(e.step, epochText(e)) + "\n");
    } else if (e.t === "start") {
      this.write(this.stepLine(e.step, startText(e)) + "\n");
    } else if (e.t === "waiting") {
      if (!this.#last.has(`wait:${e.step}`)) this.write(this.stepLine(e.step, waitText(e)) + "\n");
      this.#last.set(`wait:${e.step}`, 1);
    } else if (e.t === "log") {
      this.write(this.stepLine(e.step, e.message) + "\n");
    }
    if (this.footerDue() && now - this.#footerAt >= PLAIN_FOOTER_MS) this.#footer(now);
  }

  stepDone(r: StepReport): void {
    const text = this.stepLine(r.name, doneText(r));
    this.active.delete(r.name);
    this.progress.stepDone(r);
    this.write(text + "\n");
    if (this.progress.computes(r.name)) this.#footer(this.clock());
  }

  line(message: string): void {
    this.write(message + "\n");
  }

  close(): void {}
}

/**
 * A live block redrawn in place: one line per running step (not with `quiet`) and the footer
 * under them; step starts, epochs (not with `quiet`) and ends are printed above it.
 */
export class TerminalReporter extends BaseReporter {
  #status = new Map<string, string>();
  #drawn = 0;
  #columns: () => number;
  #timer?: ReturnType<typeof setInterval>;

  constructor(o: ReporterOptions = {}) {
    super(o);
    this.#columns = o.columns ?? (() => Deno.consoleSize?.().columns ?? 120);
    if (o.tick) {
      const timer = setInterval(() => {
        if (this.footerDue()) this.#redraw();
      }, o.tick);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  #clear() {
    if (this.#drawn) this.write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #draw() {
    let cols = 120;
    try {
      // A console that reports no width (0) keeps the default.
      cols = this.#columns() || 120;
    } catch {
      // Not a console after all: keep the default width.
    }
    const lines = this.quiet
      ? []
      : [...this.#status].map(([s, t]) => `  ${this.label(s)}${t}`.trimEnd());
    if (this.footerDue()) lines.push(this.progress.footer());
    const fitted = lines.map((l) => l.slice(0, Math.max(cols - 1, 10)));
    if (fitted.length) this.write(fitted.join("\n") + "\n");
    this.#drawn = fitted.length;
  }

  #redraw() {
    this.#clear();
    this.#draw();
  }

  #print(message: string) {
    this.#clear();
    this.write(message + "\n");
    this.#draw();
  }

  event(e: WorkerEvent): void {
    if (e.t === "start" || e.t === "waiting") this.active.add(e.step);
    this.progress.event(e);
    if (e.t === "progress") {
      this.#status.set(e.step, progressText(e, this.progress.unit(e.step)));
      this.#redraw();
    } else if (e.t === "epoch") {
      if (this.quiet) this.#redraw();
      else this.#print(this.stepLine(e.step, epochText(e)));
    } else if (e.t === "start") {
      this.#status.set(e.step, `starting on ${e.executor}`);
      this.#print(this.stepLine(e.step, startText(e)));
    } else if (e.t === "waiting") {
      this.#status.set(e.step, waitText(e));
      this.#redraw();
    } else if (e.t === "log") {
      this.#print(this.stepLine(e.step, e.message));
    }
  }

  stepDone(r: StepReport): void {
    const text = this.stepLine(r.name, doneText(r));
    this.#status.delete(r.name);
    this.active.delete(r.name);
    this.progress.stepDone(r);
    this.#print(text);
  }

  line(message: string): void {
    this.#print(message);
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }
}
