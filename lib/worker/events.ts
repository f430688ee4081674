/**
 * What a worker tells the interpreter, one JSON object per line on stdout. Everything else a
 * worker prints goes to stderr (its log).
 *
 * @module
 */
import type { JsonObject } from "../plugin/descriptor.ts";

/** A worker event. */
export type WorkerEvent =
  | {
    t: "start";
    step: string;
    executor: string;
    threads: number;
    resumeFrom?: { epoch: number; batch: number };
  }
  | { t: "waiting"; step: string; owner: string }
  | {
    t: "progress";
    step: string;
    phase: string;
    epoch: number;
    epochs: number;
    batch: number;
    batches: number;
    loss?: number;
    lr?: number;
    /** Examples (or tokens) per second over the recent batches. */
    rate?: number;
    /** Estimated seconds left for the whole step. */
    eta?: number;
  }
  | { t: "epoch"; step: string; epoch: number; epochs: number; metrics: JsonObject }
  | { t: "log"; step: string; message: string }
  | { t: "done"; step: string; cached: boolean; result: JsonObject; seconds: number }
  | { t: "error"; step: string; reason: string; message: string };

/** Write an event to stdout (synchronously, so it is out before a crash or exit). */
export function emit(event: WorkerEvent): void {
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(event) + "\n"));
}

/** Parse one line of worker stdout; undefined for lines that are not events. */
export function parseEvent(line: string): WorkerEvent | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const e = JSON.parse(line);
    return typeof e?.t === "string" ? e as WorkerEvent : undefined;
  } catch {
    return undefined;
  }
}
