/**
 * One poller for all of a run's jobs: a single squeue call per tick, with backoff. The interval
 * starts short, grows while nothing changes (a long training step costs the controller one query
 * every `maxMs`), and drops back when a job changes state or a launcher has reason to look now
 * (its worker just reported a result).
 *
 * @module
 */
import { queryJobs, showJob } from "./slurm_cli.ts";
import { isFinal, type JobInfo } from "./slurm_state.ts";

/** Options for {@linkcode SlurmPoller}. */
export interface SlurmPollerOptions {
  /** First and shortest interval. Default 500 ms. */
  minMs?: number;
  /** Longest interval. Default 15 s. */
  maxMs?: number;
}

interface Watch {
  last?: JobInfo;
  onChange: (job: JobInfo) => void;
  resolve: (job: JobInfo) => void;
  /** Consecutive polls that did not find the job. */
  missing: number;
}

/** Polls job states until each watched job ends. */
export class SlurmPoller {
  #watches = new Map<string, Watch>();
  #minMs: number;
  #maxMs: number;
  #interval: number;
  #timer?: ReturnType<typeof setTimeout>;
  #running = false;
  #woken = false;

  constructor(options: SlurmPollerOptions = {}) {
    this.#minMs = options.minMs ?? 500;
    this.#maxMs = options.maxMs ?? 15_000;
    this.#interval = this.#minMs;
  }

  /** Resolves with the job's final state (exit code included); `onChange` sees each new state. */
  watch(id: string, onChange: (job: JobInfo) => void = () => {}): Promise<JobInfo> {
    return new Promise((resolve) => {
      this.#watches.set(id, { onChange, resolve, missing: 0 });
      this.wake();
    });
  }

  /** Poll soon and go back to the shortest interval. */
  wake(): void {
    this.#interval = this.#minMs;
    this.#woken = true;
    if (this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), 50);
  }

  async #tick(): Promise<void> {
    this.#running = true;
    this.#woken = false;
    let changed = false;
    try {
      const ids = [...this.#watches.keys()];
      const jobs = await queryJobs(ids);
      for (const id of ids) {
        const w = this.#watches.get(id)!;
        let job = jobs?.get(id);
        if (jobs && !job) {
          // Not in squeue: ask scontrol; twice unknown means it is gone for good.
          job = await showJob(id);
          if (!job && ++w.missing >= 2) job = { id, state: "VANISHED", reason: "None" };
        }
        if (!job) continue;
        if (job.state !== w.last?.state || job.reason !== w.last?.reason) {
          changed = true;
          w.onChange(job);
        }
        w.last = job;
        if (isFinal(job.state)) {
          // squeue has no exit code; scontrol does.
          const full = job.state === "VANISHED" ? job : (await showJob(id)) ?? job;
          this.#watches.delete(id);
          w.resolve({ ...job, ...full, state: job.state });
        }
      }
    } catch {
      // A command that could not even start: try again at the longest interval.
      this.#interval = this.#maxMs;
    } finally {
      this.#running = false;
    }
    if (!this.#watches.size) return;
    this.#interval = changed || this.#woken
      ? this.#minMs
      : Math.min(this.#maxMs, this.#interval * 1.5);
    this.#timer = setTimeout(() => this.#tick(), this.#interval);
  }

  /** Stop polling (the watched promises stay pending). */
  close(): void {
    clearTimeout(this.#timer);
    this.#watches.clear();
  }
}
