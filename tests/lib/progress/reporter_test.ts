import { deepEqual, equal, match, ok } from "node:assert/strict";
import {
  PlainReporter,
  type ReporterOptions,
  TerminalReporter,
} from "../../../lib/progress/reporter.ts";
import { trainProgress, trainStep } from "./_events.ts";
import type { WorkerEvent } from "../../../lib/worker/events.ts";
import { commandHelp } from "../../../lib/cli/help.ts";
import { parseOptions } from "../../../lib/cli/options.ts";

/** A fake clock (ms) and a writer that keeps what is written. */
function fakes(o: ReporterOptions = {}) {
  const f = { now: 0, out: "", options: {} as ReporterOptions };
  f.options = {
    clock: () => f.now,
    write: (s: string) => void (f.out += s),
    columns: () => 200,
    ...o,
  };
  return f;
}

const step = trainStep;

const start = (s: string): WorkerEvent => ({ t: "start", step: s, executor: "cpu", threads: 1 });
const progress = (s: string, batch: number, eta?: number): WorkerEvent =>
  trainProgress(s, {
    batch,
    batches: 16,
    loss: 1.25,
    lr: 0.05,
    rate: 812.3,
    ...(eta === undefined ? {} : { eta }),
  });
const epoch = (s: string, n: number): WorkerEvent => ({
  t: "epoch",
  step: s,
  epoch: n,
  epochs: 2,
  metrics: { trainLoss: 1.2, testError: 40 },
});

/** Two steps side by side: teacher and gen1 (independent, as with --jobs 2). */
function twoSteps(r: PlainReporter | TerminalReporter, f: { now: number }) {
  r.run({
    pipeline: "smoke",
    jobs: 2,
    steps: [
      step("teacher", { estimatedSeconds: 4 }),
      step("gen1", { estimatedSeconds: 4 }),
      step("bane", { kind: "ensemble", inputs: ["teacher", "gen1"] }),
    ],
  });
  r.event(start("teacher"));
  r.event(start("gen1"));
  for (let b = 1; b <= 4; b++) {
    f.now = b * 500;
    r.event(progress("teacher", b, 4 - b * 0.5));
    r.event(progress("gen1", b, 4 - b * 0.5));
  }
  r.event(epoch("teacher", 1));
  r.event(epoch("gen1", 1));
  f.now = 4000;
  r.stepDone({ name: "teacher", key: "k", status: "ran", seconds: 4, result: { testError: 40 } });
}

Deno.test("plain lines of side-by-side steps start with their name, aligned", () => {
  const f = fakes();
  const r = new PlainReporter(f.options);
  twoSteps(r, f);
  const lines = f.out.trimEnd().split("\n");
  deepEqual(lines, [
    "teacher: started on cpu (1 thread)",
    "gen1:    started on cpu (1 thread)",
    "teacher: epoch 1/2  batch 1/16  loss 1.2500  lr 0.0500  812 img/s  ETA 3.5s",
    "gen1:    epoch 1/2  batch 1/16  loss 1.2500  lr 0.0500  812 img/s  ETA 3.5s",
    "teacher: epoch 1/2 train loss 1.2000 test error 40.00%",
    "gen1:    epoch 1/2 train loss 1.2000 test error 40.00%",
    "teacher: done in 4.0s  40.00% err",
    "smoke: 1/3 steps, elapsed 4.0s, ETA 0.0s",
  ]);
});

Deno.test("plain mode prints the footer every 30 s at most, and at each step's end", () => {
  const f = fakes();
  const r = new PlainReporter(f.options);
  r.run({ pipeline: "smoke", jobs: 1, steps: [step("teacher"), step("gen1")] });
  r.event(start("teacher"));
  for (let b = 1; b <= 16; b++) {
    f.now = b * 3000; // 48 s in all
    r.event(progress("teacher", b, (16 - b) * 3));
  }
  const footers = f.out.split("\n").filter((l) => l.startsWith("smoke: "));
  deepEqual(footers, ["smoke: 0/2 steps, elapsed 30s, ETA 1m06s"]);
  r.stepDone({ name: "teacher", key: "k", status: "ran", seconds: 48, result: {} });
  match(f.out, /teacher: done in 48s\s*\nsmoke: 1\/2 steps, elapsed 48s, ETA 48s\n$/);
});

Deno.test("no footer before the first batches give an ETA, and none when nothing runs", () => {
  const f = fakes();
  const r = new PlainReporter(f.options);
  r.run({ pipeline: "smoke", jobs: 1, steps: [step("teacher", { status: "cached" })] });
  r.stepDone({ name: "teacher", key: "k", status: "cached", seconds: 0, result: {} });
  equal(f.out, "teacher: cached\n");
  const g = fakes();
  const s = new PlainReporter(g.options);
  s.run({ pipeline: "smoke", jobs: 1, steps: [step("a"), step("b")] });
  s.event(start("a"));
  g.now = 1000;
  s.event(progress("a", 1, 9));
  g.now = 2000;
  s.stepDone({
    name: "a",
    key: "k",
    status: "failed",
    seconds: 2,
    error: { reason: "x", message: "y" },
  });
  match(g.out, /\nsmoke: 1\/2 steps, elapsed 2\.0s\n$/);
});

Deno.test("--quiet keeps the steps' start and end lines and the footer only", () => {
  const f = fakes({ quiet: true });
  const r = new PlainReporter(f.options);
  twoSteps(r, f);
  deepEqual(f.out.trimEnd().split("\n"), [
    "teacher: started on cpu (1 thread)",
    "gen1:    started on cpu (1 thread)",
    "teacher: done in 4.0s  40.00% err",
    "smoke: 1/3 steps, elapsed 4.0s, ETA 0.0s",
  ]);
});

/** The last block a terminal reporter drew: what follows its last clear-below. */
function lastBlock(out: string): string[] {
  const parts = out.split("\x1b[J");
  return parts[parts.length - 1].trimEnd().split("\n");
}

Deno.test("on a terminal the footer is redrawn under the running steps' lines", () => {
  const f = fakes();
  const r = new TerminalReporter(f.options);
  r.run({
    pipeline: "lm",
    jobs: 2,
    steps: [
      step("teacher", { unit: "tok/s", estimatedSeconds: 4 }),
      step("student-1", { unit: "tok/s", estimatedSeconds: 4 }),
    ],
  });
  r.event(start("teacher"));
  r.event(start("student-1"));
  f.now = 500;
  r.event(progress("teacher", 1));
  r.event(progress("student-1", 1));
  deepEqual(lastBlock(f.out), [
    "  teacher:   epoch 1/2  batch 1/16  loss 1.2500  lr 0.0500  812 tok/s",
    "  student-1: epoch 1/2  batch 1/16  loss 1.2500  lr 0.0500  812 tok/s",
    "lm: 0/2 steps, elapsed 0.5s",
  ]);
  for (let b = 2; b <= 4; b++) {
    f.now = b * 500;
    r.event(progress("teacher", b, 4 - b * 0.5));
  }
  equal(lastBlock(f.out).at(-1), "lm: 0/2 steps, elapsed 2.0s, ETA 2.0s");
  r.event(epoch("teacher", 1));
  ok(f.out.includes("\x1b[Jteacher:   epoch 1/2 train loss 1.2000"), "epoch lines are aligned too");
  r.close();
  // close() clears the live block.
  ok(f.out.endsWith("\x1b[3F\x1b[J"));
});

Deno.test("on a terminal --quiet draws the footer alone", () => {
  const f = fakes({ quiet: true });
  const r = new TerminalReporter(f.options);
  twoSteps(r, f);
  deepEqual(lastBlock(f.out), [
    "teacher: done in 4.0s  40.00% err",
    "smoke: 1/3 steps, elapsed 4.0s, ETA 0.0s",
  ]);
  equal(f.out.includes("epoch 1/2"), false);
  r.close();
});

Deno.test("run takes --quiet and its help lists it", () => {
  equal(parseOptions(["pipelines/smoke.ts", "--quiet"], "run").quiet, true);
  equal(parseOptions(["pipelines/smoke.ts"], "run").quiet, false);
  match(commandHelp("run"), /^ {2}--quiet\s+\(run\) no per-epoch lines/m);
  equal(commandHelp("plan").includes("--quiet"), false);
});
