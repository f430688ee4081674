/**
 * Stop requests by signal, shared by the command line and the worker. The first SIGINT or
 * SIGTERM asks for a graceful stop (checkpoint, then exit); a signal at least a grace period
 * later asks to quit at once.
 *
 * Signals inside the grace period are copies of the first: a terminal's Ctrl-C reaches every
 * process of the foreground group at once, `deno task` forwards it to its child as well, and the
 * command line forwards its own stop to the workers. Counting those as a second Ctrl-C would turn
 * every graceful stop into an immediate exit without a checkpoint.
 *
 * @module
 */

/** Signals that ask a process to stop. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** How long after the first stop signal another one is taken as a copy of it (ms). */
export const STOP_GRACE_MS = 1000;

/** What a signal means, given the signals before it. */
export type StopAction = "stop" | "quit" | "ignore";

/** Classifies stop signals by arrival time; pure, so it can be tested without signals. */
export class StopRequests {
  #first: number | undefined;
  constructor(readonly graceMs = STOP_GRACE_MS) {}

  /** Record a signal that arrived at `now` (ms, monotonic) and say what to do. */
  signal(now: number): StopAction {
    if (this.#first === undefined) {
      this.#first = now;
      return "stop";
    }
    return now - this.#first >= this.graceMs ? "quit" : "ignore";
  }
}

/** Handlers for {@linkcode listenForStop}. */
export interface StopHandlers {
  /** First signal: stop gracefully. */
  stop(): void;
  /** A signal after the grace period: quit at once. */
  quit(): void;
}

/** Listen for SIGINT and SIGTERM; returns a function that stops listening. */
export function listenForStop(handlers: StopHandlers, graceMs = STOP_GRACE_MS): () => void {
  const requests = new StopRequests(graceMs);
  const onSignal = () => {
    const action = requests.signal(performance.now());
    if (action === "stop") handlers.stop();
    else if (action === "quit") handlers.quit();
  };
  for (const sig of STOP_SIGNALS) Deno.addSignalListener(sig, onSignal);
  return () => {
    for (const sig of STOP_SIGNALS) Deno.removeSignalListener(sig, onSignal);
  };
}
