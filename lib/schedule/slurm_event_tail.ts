/**
 * Follows a worker's events through a file. A cluster job cannot stream to the interpreter over
 * a pipe, so the job's stdout (JSON-line events) goes to a file on the shared cache and this
 * reads what was appended since the last look.
 *
 * @module
 */
import { parseEvent, type WorkerEvent } from "../worker/events.ts";

/** Reads new complete lines of a growing file as worker events. */
export class EventTail {
  #offset = 0;
  #partial = "";
  #decoder = new TextDecoder();

  constructor(readonly path: string) {}

  /** Events appended since the last call (none while the file does not exist yet). */
  async read(): Promise<WorkerEvent[]> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch {
      return [];
    }
    const events: WorkerEvent[] = [];
    try {
      await file.seek(this.#offset, Deno.SeekMode.Start);
      const buf = new Uint8Array(64 * 1024);
      while (true) {
        const n = await file.read(buf);
        if (n === null || n === 0) break;
        this.#offset += n;
        this.#partial += this.#decoder.decode(buf.subarray(0, n), { stream: true });
      }
    } finally {
      file.close();
    }
    let nl;
    while ((nl = this.#partial.indexOf("\n")) >= 0) {
      const event = parseEvent(this.#partial.slice(0, nl));
      this.#partial = this.#partial.slice(nl + 1);
      if (event) events.push(event);
    }
    return events;
  }
}
