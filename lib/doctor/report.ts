/**
 * What the doctor learns about one executor, as its probe process prints it (one JSON line), and
 * the doctor's whole answer.
 *
 * @module
 */
import type { MeasuredRate } from "./measure.ts";

/** One executor, checked (and timed) in a process with a worker's permissions. */
export interface ExecutorReport {
  /** The executor asked for ("auto" resolves to `name`). */
  requested: string;
  /** The executor that loaded, or the one that did not. */
  name: string;
  available: boolean;
  /** Why it is unavailable. */
  reason?: string;
  /** Exact commands that would make it available, where there are any. */
  fix?: string[];
  backend?: string;
  threads?: number;
  versions?: Record<string, string>;
  notes?: string[];
  /** For `auto`: the executors passed over, and why. */
  skipped?: { executor: string; reason: string; fix?: string[] }[];
  rate?: MeasuredRate;
  /** Seconds from the process's start to the executor loaded: a worker's start-up cost. */
  startupSeconds?: number;
  /** Why the rate could not be measured. */
  rateError?: string;
}

/** The doctor's answer for this machine. */
export interface DoctorReport {
  host: string;
  /** ISO time of the check. */
  checkedAt: string;
  deno: string;
  executors: ExecutorReport[];
  /** What `--executor auto` picks: the first available in auto's order. */
  auto?: string;
}
