import { deepEqual } from "node:assert/strict";
import { StopRequests } from "../../../lib/util/stop_signals.ts";

Deno.test("the first stop signal stops; copies within the grace period are ignored; a later one quits", () => {
  const r = new StopRequests(1000);
  // One Ctrl-C: the terminal's SIGINT, `deno task`'s forwarded copy, the CLI's SIGTERM.
  deepEqual([r.signal(5000), r.signal(5001), r.signal(5900)], ["stop", "ignore", "ignore"]);
  // Ctrl-C pressed again, later.
  deepEqual(r.signal(6000), "quit");
});
