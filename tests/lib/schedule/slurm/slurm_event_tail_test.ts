import { deepEqual } from "node:assert/strict";
import { join } from "node:path";
import { EventTail } from "../../../../lib/schedule/slurm_event_tail.ts";

Deno.test("EventTail returns each complete event once, holding a half-written line until it ends", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "events-1.jsonl");
  const tail = new EventTail(path);
  deepEqual(await tail.read(), [], "no file yet");
  const log = (m: string) => JSON.stringify({ t: "log", step: "a", message: m });
  await Deno.writeTextFile(
    path,
    `${log("one")}\nslurmstepd: not an event\n${log("two").slice(0, 9)}`,
  );
  deepEqual((await tail.read()).map((e) => e.t === "log" && e.message), ["one"]);
  await Deno.writeTextFile(path, `${log("two").slice(9)}\n`, { append: true });
  deepEqual((await tail.read()).map((e) => e.t === "log" && e.message), ["two"]);
  deepEqual(await tail.read(), []);
  await Deno.remove(dir, { recursive: true });
});
