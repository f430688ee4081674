/**
 * Fault tests of stale locks: a lock whose pid now belongs to another live process (pids are
 * reused after reboots and in containers) must not make a run wait forever, whether the lock
 * records its owner's start time or predates that field; a lock whose owner really lives must
 * still be waited on.
 */
import { equal, match, ok } from "node:assert/strict";
import { hostname } from "node:os";
import { CacheLayout } from "../../../lib/store/layout.ts";
import { bootId, processInfo } from "../../../lib/util/process.ts";
import { runCli, spawnCli, statuses, summary, tempCache } from "../../helpers/cli.ts";

const LONG = "tests/fixtures/pipelines/long.ts";
const ARGS = ["--executor", "cpu", "--set", "epochs=2", "--json"];
/** Long enough for a loaded machine, short enough that waiting forever fails the test. */
const LIMIT_MS = 90_000;

async function keys(cache: string): Promise<Record<string, string>> {
  const plan = await runCli(["plan", LONG, "--cache-dir", cache, ...ARGS]);
  return Object.fromEntries(
    JSON.parse(plan.stdout).steps.map((s: { name: string; key: string }) => [s.name, s.key]),
  );
}

/** A live process that owns no lock. */
function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["300"], stdout: "null", stderr: "null" }).spawn();
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch { /* gone */ }
  await child.status;
}

/** Run the CLI, killing it if it has not finished within {@linkcode LIMIT_MS}. */
async function runWithin(args: string[], onStderr?: (text: string) => void) {
  const child = spawnCli(args);
  let stderr = "";
  const reading = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr += dec.decode(chunk, { stream: true });
      onStderr?.(stderr);
    }
  })();
  const stdout = new Response(child.stdout).text();
  const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
  const status = await child.status;
  clearTimeout(timer);
  await reading;
  return { code: status.code, signal: status.signal, stdout: await stdout, stderr };
}

/** Whether `ps` tells process start times here (the checks fall back to pids without it). */
const HAS_PS = processInfo(Deno.pid)?.startedMs !== undefined;

Deno.test({
  name: "a lock whose pid now belongs to another live process does not stop a run (needs ps)",
  ignore: !HAS_PS,
}, async () => {
  const cache = await tempCache();
  const layout = new CacheLayout(cache);
  const k = await keys(cache);
  const other = sleeper();
  try {
    await Deno.mkdir(layout.locks, { recursive: true });
    // Written by an owner that has exited; its pid now runs something else, started later.
    await Deno.writeTextFile(
      layout.lock(k.teacher),
      JSON.stringify({
        host: hostname(),
        pid: other.pid,
        since: "2001-02-03T04:05:06.000Z",
        boot: bootId(),
        started: "2001-02-03T04:05:00.000Z",
        what: "long:teacher",
      }),
    );
    // The same, in the format without boot id and start time.
    await Deno.writeTextFile(
      layout.lock(k.student),
      JSON.stringify({ host: hostname(), pid: other.pid, since: "2001-02-03T04:05:06.000Z" }),
    );
    const r = await runWithin(["run", LONG, "--cache-dir", cache, ...ARGS]);
    equal(r.signal, null, `the run was still waiting after ${LIMIT_MS / 1000} s:\n${r.stderr}`);
    equal(r.code, 0, r.stderr);
    equal(r.stderr.includes("waiting for"), false, r.stderr);
    const s = summary({ code: r.code, stdout: r.stdout, stderr: r.stderr });
    equal(statuses(s).teacher, "ran");
    equal(statuses(s).student, "ran");
  } finally {
    await stop(other);
  }
  await Deno.remove(cache, { recursive: true });
});

Deno.test({
  name: "a lock whose owner lives is waited on until the owner is gone (needs ps)",
  ignore: !HAS_PS,
}, async () => {
  const cache = await tempCache();
  const layout = new CacheLayout(cache);
  const k = await keys(cache);
  const owner = sleeper();
  try {
    const started = processInfo(owner.pid)?.startedMs;
    ok(started !== undefined, "ps tells the owner's start time");
    await Deno.mkdir(layout.locks, { recursive: true });
    await Deno.writeTextFile(
      layout.lock(k.teacher),
      JSON.stringify({
        host: hostname(),
        pid: owner.pid,
        since: new Date().toISOString(),
        boot: bootId(),
        started: new Date(started).toISOString(),
        what: "long:teacher",
      }),
    );
    let killed = false;
    const r = await runWithin(["run", LONG, "--cache-dir", cache, ...ARGS], (err) => {
      // The run waits on the live owner; once it says so, the owner exits without unlocking.
      if (!killed && err.includes(`waiting for ${hostname()}:${owner.pid}`)) {
        killed = true;
        owner.kill("SIGKILL");
      }
    });
    ok(killed, `the run never waited for the live owner:\n${r.stderr}`);
    equal(r.code, 0, r.stderr);
    match(r.stderr, /teacher: waiting for .*computing the same step/);
    equal(statuses(summary({ ...r, code: r.code })).teacher, "ran");
  } finally {
    await stop(owner);
  }
  await Deno.remove(cache, { recursive: true });
});
