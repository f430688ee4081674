/**
 * Let timers and signal handlers run. TensorFlow.js work on CPU backends resolves its promises
 * as microtasks, so a training loop can hold the event loop for minutes: no lock heartbeat, no
 * parent-process watch, no Ctrl-C. Loops call this every batch; it yields at most every 200 ms.
 *
 * @module
 */

let last = 0;

/** Yield to the macrotask queue if 200 ms have passed since the last time. */
export async function yieldToEventLoop(): Promise<void> {
  const now = performance.now();
  if (now - last < 200) return;
  last = now;
  await new Promise((resolve) => setTimeout(resolve, 0));
}
