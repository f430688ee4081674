/**
 * A train step's per-epoch metrics as JSON Lines (`metrics.jsonl`), one object per epoch, written
 * as it trains so a running step can be followed (`tail -f`, pandas, `dvc plots`) and committed
 * with the entry.
 *
 * @module
 */
import type { JsonObject } from "../plugin/descriptor.ts";

/** The history as JSON Lines. */
export function jsonLines(history: JsonObject[]): string {
  return history.map((m) => JSON.stringify(m) + "\n").join("");
}

/** Appends each epoch's metrics to a JSON Lines file. */
export class MetricsLog {
  constructor(readonly path: string) {}

  // Synchronous: called from the loop's callbacks, once per epoch, with a few hundred bytes.

  /** Start over from `history` (a fresh step: none; a resumed one: its checkpoint's epochs). */
  reset(history: JsonObject[]): void {
    Deno.writeTextFileSync(this.path, jsonLines(history));
  }

  /** Add one epoch's metrics. */
  append(metrics: JsonObject): void {
    Deno.writeTextFileSync(this.path, JSON.stringify(metrics) + "\n", { append: true });
  }
}
