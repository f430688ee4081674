/**
 * The pipeline-level footer of a run: `k/N steps, elapsed, ETA`. The ETA comes from what the
 * running steps measure (their own ETA, from their batch times), and for the steps still to start
 * from the doctor's estimates scaled by how the finished work compared with its estimate (or, for
 * steps without one, the measured length of steps of the same kind), laid out on `jobs` slots in
 * dependency order. It is shown only once a step has trained a few batches or finished.
 *
 * @module
 */
import type { StepReport } from "../schedule/run_plan.ts";
import type { WorkerEvent } from "../worker/events.ts";
import { formatSeconds } from "./format.ts";

/** Train batches a running step reports before the footer shows an ETA. */
export const ETA_AFTER_BATCHES = 3;

/** What the reporter knows of one step of the plan. */
export interface StepInfo {
  name: string;
  kind: string;
  /** "cached", or "run" for a step this run computes. */
  status: string;
  /** The steps whose outputs it reads. */
  inputs: string[];
  /** What a progress event's rate counts: "img/s" or "tok/s". */
  unit?: string;
  /** The doctor's estimate of its seconds, where there is one. */
  estimatedSeconds?: number;
}

/** The run, as the reporter is told it once planned. */
export interface RunInfo {
  pipeline: string;
  /** Every step of the plan, in plan order. */
  steps: StepInfo[];
  /** At most this many steps run side by side. */
  jobs: number;
}

/** The unit of a progress event's rate for a step of `domain` ("tok/s" for text). */
export function rateUnit(domain: string | undefined): string {
  return domain === "text" ? "tok/s" : "img/s";
}

interface Running {
  /** Clock (ms) when it started or began waiting. */
  since: number;
  /** Train position (batches since the step's first) of its first progress event. */
  firstPos?: number;
  /** Train batches seen since it started here. */
  seen: number;
  /** The step's own ETA (seconds) and when it said so (ms). */
  eta?: number;
  etaAt?: number;
}

/** The pipeline's progress, fed the scheduler's events; renders the footer. */
export class PipelineProgress {
  #clock: () => number;
  #started: number;
  #pipeline = "";
  #jobs = 1;
  #info = new Map<string, StepInfo>();
  /** The steps this run computes, in plan order. */
  #toRun: string[] = [];
  #done = new Map<string, StepReport>();
  #running = new Map<string, Running>();

  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
    this.#started = clock();
  }

  /** The plan: the steps, which run, their estimates. */
  setRun(info: RunInfo): void {
    this.#pipeline = info.pipeline;
    this.#jobs = Math.max(1, info.jobs);
    for (const s of info.steps) this.#info.set(s.name, s);
    this.#toRun = info.steps.filter((s) => s.status === "run").map((s) => s.name);
  }

  /** The pipeline's name. */
  get pipeline(): string {
    return this.#pipeline;
  }

  /** The unit of `step`'s rate, where known. */
  unit(step: string): string | undefined {
    return this.#info.get(step)?.unit;
  }

  /** Steps this run computes (N of the footer). */
  get total(): number {
    return this.#toRun.length;
  }

  /** Steps of those finished, in whatever way (k of the footer). */
  get finished(): number {
    return this.#toRun.filter((n) => this.#done.has(n)).length;
  }

  /** Whether `step` is one this run computes. */
  computes(step: string): boolean {
    return this.#toRun.includes(step);
  }

  #add(step: string): void {
    // A step planned as cached that runs after all (its entry went away meanwhile).
    if (!this.#toRun.includes(step)) this.#toRun.push(step);
  }

  /** Take a worker event. */
  event(e: WorkerEvent): void {
    const now = this.#clock();
    if (e.t === "start" || e.t === "waiting") {
      this.#add(e.step);
      if (e.t === "start" || !this.#running.has(e.step)) {
        this.#running.set(e.step, { since: now, seen: 0 });
      }
    } else if (e.t === "progress") {
      const r = this.#running.get(e.step) ?? { since: now, seen: 0 };
      this.#running.set(e.step, r);
      if (e.phase === "eval") return;
      const pos = (e.epoch - 1) * e.batches + e.batch;
      r.firstPos ??= pos - 1;
      r.seen = pos - r.firstPos;
      if (e.eta !== undefined && Number.isFinite(e.eta)) (r.eta = e.eta), (r.etaAt = now);
    }
  }

  /** A step finished (ran, cached, failed, skipped or interrupted). */
  stepDone(r: StepReport): void {
    if (r.status !== "cached") this.#add(r.name);
    this.#done.set(r.name, r);
    this.#running.delete(r.name);
  }

  /** Seconds since the reporter began. */
  elapsed(): number {
    return (this.#clock() - this.#started) / 1000;
  }

  /** Whether enough was measured for an ETA: a few batches of a step, or a finished step. */
  #measured(): boolean {
    return [...this.#done.values()].some((r) => r.status === "ran") ||
      [...this.#running.values()].some((r) => r.seen >= ETA_AFTER_BATCHES);
  }

  /** A running step's seconds left by its own measure, if it said. */
  #ownRemaining(r: Running, now: number): number | undefined {
    if (r.eta === undefined || r.etaAt === undefined || r.seen < ETA_AFTER_BATCHES) {
      return undefined;
    }
    return Math.max(0, r.eta - (now - r.etaAt) / 1000);
  }

  /** Seconds left for the whole pipeline, or undefined before a few batches were measured. */
  eta(): number | undefined {
    if (!this.#measured()) return undefined;
    const now = this.#clock();
    // Measured lengths: finished steps, and running steps' elapsed + own remaining.
    const measured: { name: string; seconds: number }[] = [];
    for (const r of this.#done.values()) {
      if (r.status === "ran" && this.computes(r.name)) {
        measured.push({ name: r.name, seconds: r.seconds });
      }
    }
    for (const [name, r] of this.#running) {
      const left = this.#ownRemaining(r, now);
      if (left !== undefined) measured.push({ name, seconds: (now - r.since) / 1000 + left });
    }
    let observed = 0, estimated = 0;
    for (const m of measured) {
      const est = this.#info.get(m.name)?.estimatedSeconds;
      if (est !== undefined && est > 0) (observed += m.seconds), (estimated += est);
    }
    const ratio = estimated > 0 ? observed / estimated : 1;
    const kindOf = (name: string) => this.#info.get(name)?.kind ?? "train";
    /** Expected seconds of a whole step: its estimate scaled, or the mean of its kind. */
    const expected = (name: string): number => {
      const est = this.#info.get(name)?.estimatedSeconds;
      if (est !== undefined) return est * ratio;
      const same = measured.filter((m) => kindOf(m.name) === kindOf(name));
      return same.length ? same.reduce((a, m) => a + m.seconds, 0) / same.length : 0;
    };

    // Lay the rest out on the job slots, in plan order as inputs allow.
    const ends: { name: string; end: number }[] = [];
    for (const [name, r] of this.#running) {
      const left = this.#ownRemaining(r, now) ??
        Math.max(0, expected(name) - (now - r.since) / 1000);
      ends.push({ name, end: left });
    }
    const finished = new Set(this.#done.keys());
    const failed = new Set(
      [...this.#done.values()].filter((r) => r.status !== "ran" && r.status !== "cached").map((r) =>
        r.name
      ),
    );
    const pending = this.#toRun.filter((n) => !finished.has(n) && !this.#running.has(n));
    const inFlight = new Set([...pending, ...ends.map((e) => e.name)]);
    let t = 0;
    while (pending.length || ends.length) {
      for (let i = 0; i < pending.length && ends.length < this.#jobs;) {
        const inputs = this.#info.get(pending[i])?.inputs ?? [];
        if (inputs.some((u) => inFlight.has(u))) {
          i++;
          continue;
        }
        const name = pending.splice(i, 1)[0];
        // A step after a failed one is skipped at once.
        const seconds = inputs.some((u) => failed.has(u)) ? 0 : expected(name);
        ends.push({ name, end: t + seconds });
      }
      if (!ends.length) break;
      ends.sort((a, b) => a.end - b.end);
      const next = ends.shift()!;
      t = Math.max(t, next.end);
      inFlight.delete(next.name);
    }
    return t;
  }

  /** `2/5 steps, elapsed 1m05s, ETA 3m10s` (no ETA before a few batches were measured). */
  text(): string {
    const parts = [
      `${this.finished}/${this.total} steps`,
      `elapsed ${formatSeconds(this.elapsed())}`,
    ];
    const eta = this.finished < this.total ? this.eta() : undefined;
    if (eta !== undefined) parts.push(`ETA ${formatSeconds(eta)}`);
    return parts.join(", ");
  }

  /** The footer line: `smoke: 2/5 steps, elapsed 1m05s, ETA 3m10s`. */
  footer(): string {
    return `${this.#pipeline ? `${this.#pipeline}: ` : ""}${this.text()}`;
  }
}
