/**
 * Live progress on stderr. On a terminal, one line per running step is redrawn in place (step,
 * epoch, batch, loss, throughput, ETA); otherwise plain lines, throttled, so logs stay readable.
 *
 * @module
 */
import type { StepReport } from "../schedule/run_plan.ts";
import type { WorkerEvent } from "../worker/events.ts";
import { formatMetric, formatSeconds } from "./format.ts";

/** Receives events from the scheduler. */
export interface Reporter {
  event(e: WorkerEvent): void;
  stepDone(r: StepReport): void;
  /** A message line (plan, warnings). */
  line(message: string): void;
  close(): void;
}

const enc = new TextEncoder();
const write = (s: string) => Deno.stderr.writeSync(enc.encode(s));

function progressText(e: Extract<WorkerEvent, { t: "progress" }>): string {
  const parts = [
    e.phase === "eval" ? "evaluating" : `epoch ${e.epoch}/${e.epochs}`,
    `batch ${e.batch}/${e.batches}`,
  ];
  if (e.loss !== undefined) parts.push(`loss ${e.loss.toFixed(4)}`);
  if (e.lr !== undefined && e.phase !== "eval") parts.push(`lr ${e.lr.toPrecision(3)}`);
  if (e.rate !== undefined) parts.push(`${e.rate.toFixed(1)}/s`);
  if (e.eta !== undefined) parts.push(`ETA ${formatSeconds(e.eta)}`);
  return parts.join("  ");
}

/** Pick the terminal or plain reporter for stderr. */
export function createReporter(options: { quiet?: boolean } = {}): Reporter {
  if (options.quiet) return { event() {}, stepDone() {}, line() {}, close() {} };
  return Deno.stderr.isTerminal() ? new TerminalReporter() : new PlainReporter();
}

function epochText(e: Extract<WorkerEvent, { t: "epoch" }>): string {
  const m = e.metrics;
  const metric = typeof m.testError === "number"
    ? `test error ${m.testError.toFixed(2)}%`
    : typeof m.testPerplexity === "number"
    ? `test ppl ${m.testPerplexity.toFixed(2)}`
    : "";
  return `${e.step}: epoch ${e.epoch}/${e.epochs} train loss ${
    (m.trainLoss as number).toFixed(4)
  } ${metric}`;
}

function doneLine(r: StepReport): string {
  switch (r.status) {
    case "cached":
      return `${r.name}: cached  ${formatMetric(r.result)}`;
    case "ran":
      return `${r.name}: done in ${formatSeconds(r.seconds)}  ${formatMetric(r.result)}`;
    case "skipped":
      return `${r.name}: skipped (an input failed or the run stopped)`;
    default:
      return `${r.name}: ${r.status}: ${r.error?.message ?? ""}`;
  }
}

/** Plain lines: progress at most every 10 s per step, epochs and results always. */
export class PlainReporter implements Reporter {
  #last = new Map<string, number>();
  event(e: WorkerEvent): void {
    if (e.t === "progress") {
      const now = Date.now();
      if (now - (this.#last.get(e.step) ?? 0) < 10_000 && e.batch !== e.batches) return;
      this.#last.set(e.step, now);
      write(`${e.step}: ${progressText(e)}\n`);
    } else if (e.t === "epoch") {
      write(epochText(e) + "\n");
    } else if (e.t === "start") {
      write(
        `${e.step}: started on ${e.executor} (${e.threads} thread${e.threads === 1 ? "" : "s"})\n`,
      );
    } else if (e.t === "waiting") {
      if (!this.#last.has(`wait:${e.step}`)) {
        write(`${e.step}: waiting for ${e.owner}, which is computing the same step\n`);
      }
      this.#last.set(`wait:${e.step}`, 1);
    } else if (e.t === "log") {
      write(`${e.step}: ${e.message}\n`);
    }
  }
  stepDone(r: StepReport): void {
    write(doneLine(r) + "\n");
  }
  line(message: string): void {
    write(message + "\n");
  }
  close(): void {}
}

/** A live block of one line per running step, redrawn in place. */
export class TerminalReporter implements Reporter {
  #active = new Map<string, string>();
  #drawn = 0;
  #clear() {
    if (this.#drawn) write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }
  #draw() {
    const cols = Deno.consoleSize?.().columns ?? 120;
    const lines = [...this.#active].map(([s, t]) => `  ${s}: ${t}`.slice(0, cols - 1));
    if (lines.length) write(lines.join("\n") + "\n");
    this.#drawn = lines.length;
  }
  #print(message: string) {
    this.#clear();
    write(message + "\n");
    this.#draw();
  }
  event(e: WorkerEvent): void {
    if (e.t === "progress") {
      this.#active.set(e.step, progressText(e));
      this.#clear();
      this.#draw();
    } else if (e.t === "epoch") {
      this.#print(epochText(e));
    } else if (e.t === "start") {
      this.#active.set(e.step, `starting on ${e.executor}`);
      this.#print(
        `${e.step}: started on ${e.executor} (${e.threads} thread${e.threads === 1 ? "" : "s"})`,
      );
    } else if (e.t === "waiting") {
      this.#active.set(e.step, `waiting for ${e.owner}, which is computing the same step`);
      this.#clear();
      this.#draw();
    } else if (e.t === "log") {
      this.#print(`${e.step}: ${e.message}`);
    }
  }
  stepDone(r: StepReport): void {
    this.#active.delete(r.name);
    this.#print(doneLine(r));
  }
  line(message: string): void {
    this.#print(message);
  }
  close(): void {
    this.#clear();
  }
}
