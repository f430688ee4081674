/**
 * Least privilege: a pipeline file, and plugin code beside it, that reads a file outside the
 * project, its folder and the data, writes outside the cache, runs a program or reaches the
 * network gets a clear permission error naming the file, what it tried and the step, while
 * declaring, while its dataset is fingerprinted at plan time and while its step trains. Normal
 * pipelines, inside the project or in a folder of their own, still plan and run.
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { ROOT, runCli, summary, tempCache } from "../../helpers/cli.ts";
import { toFileUrl } from "../../../lib/util/path.ts";

const DECLARE = "tests/fixtures/pipelines/hostile_declare.ts";
const IMPORT = "tests/fixtures/pipelines/hostile_import.ts";
const TRAIN = "tests/fixtures/pipelines/hostile/train_time.ts";
const COUNT = "tests/fixtures/pipelines/hostile/count_time.ts";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Run the CLI on a fresh cache; the cache is removed afterwards. */
async function cli(args: string[]) {
  const cache = await tempCache();
  try {
    return await runCli([...args, "--cache-dir", cache, "--executor", "cpu"]);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
}

/** A file outside every allowed folder, in the user's home folder, that really exists. */
async function homeSecret(): Promise<string> {
  const path = join(Deno.env.get("HOME")!, `.born-again-secret-${crypto.randomUUID()}`);
  await Deno.writeTextFile(path, "secret\n");
  return path;
}

/** One forbidden thing a hostile pipeline tries (`--set` values) and what its error must say. */
interface Attempt {
  set: string[];
  said: string;
}

/** The attempt to reach the network. */
const NET: Attempt = {
  set: ["attempt=net", "target=http://example.invalid/"],
  said: "reach the network at",
};

/** `--set` arguments for each of `set`. */
const sets = (set: string[]) => set.flatMap((s) => ["--set", s]);

/** The attempts a hostile pipeline makes, each with the words its error must name. */
async function attempts(tmp: string): Promise<Attempt[]> {
  return [
    { set: ["attempt=read", "target=/etc/hostname"], said: 'read "/etc/hostname"' },
    { set: ["attempt=read", `target=${await homeSecret()}`], said: "read " },
    { set: ["attempt=write", `target=${join(tmp, "x")}`], said: `write "${join(tmp, "x")}"` },
    { set: ["attempt=run", "target=sh"], said: 'run the program "sh"' },
  ];
}

/**
 * Check `check` for each of the attempts, then `extra`; afterwards nothing was written in the
 * folder the write attempt aimed at.
 */
async function eachAttempt(extra: Attempt[], check: (t: Attempt) => Promise<void>): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "born-again-perm-" });
  const tries = [...await attempts(tmp), ...extra];
  try {
    for (const t of tries) await check(t);
    // Nothing was written.
    equal([...Deno.readDirSync(tmp)].length, 0);
  } finally {
    await Deno.remove(tmp, { recursive: true });
    await Deno.remove(tries[1].set[1].slice("target=".length));
  }
}

Deno.test("a pipeline file that reads, writes or runs while declaring gets a permission error", async () => {
  await eachAttempt([], async (t) => {
    const r = await cli(["plan", DECLARE, ...sets(t.set)]);
    equal(r.code, 1, `${t.said}: exit code; stderr: ${r.stderr}`);
    match(
      r.stderr,
      new RegExp(
        `^error: ${escape(DECLARE)}, field "\\w+": permission denied: the pipeline tried to ${
          escape(t.said)
        }.* while declaring its steps; a pipeline file may only read ${escape(ROOT)}`,
        "m",
      ),
    );
  });
});

Deno.test("a pipeline file that reaches the network as it loads gets a permission error", async () => {
  const r = await cli(["plan", IMPORT]);
  equal(r.code, 1, r.stderr);
  match(
    r.stderr,
    new RegExp(
      `^error: ${
        escape(IMPORT)
      }, field "net": permission denied: the pipeline tried to reach the network at "example\\.invalid:80" while loading`,
      "m",
    ),
  );
});

Deno.test("a plugin beside the pipeline that reads, writes, runs or fetches while training gets a permission error", async () => {
  await eachAttempt([NET], async (t) => {
    const r = await cli(["run", TRAIN, "--json", ...sets(t.set)]);
    equal(r.code, 1, `${t.said}: exit code; stderr: ${r.stderr}`);
    equal(summary(r).steps[0].status, "failed");
    match(
      r.stderr,
      new RegExp(
        `solo: failed: permission denied: the pipeline tried to ${
          escape(t.said)
        }.* in step "solo" of ${escape(TRAIN)}; a step may read only the project`,
      ),
    );
  });
});

Deno.test("a dataset plugin beside the pipeline that reads, writes, runs or fetches while planning gets a permission error", async () => {
  await eachAttempt([NET], async (t) => {
    const set = t.set.map((s) => s.replace(/^attempt=/, "planAttempt="));
    const r = await cli(["plan", TRAIN, ...sets(set)]);
    equal(r.code, 1, `${t.said}: exit code; stderr: ${r.stderr}`);
    match(
      r.stderr,
      new RegExp(
        `^error: ${
          escape(TRAIN)
        }, step "solo", field "\\w+": permission denied: the pipeline tried to ${
          escape(t.said)
        }.* while planning, in dataset "hostileImages" of step "solo"`,
        "m",
      ),
    );
  });
});

Deno.test("a model plugin beside the pipeline that reads or runs while plan counts its parameters gets a permission error", async () => {
  const tries: Attempt[] = [
    { set: ["attempt=read", "target=/etc/hostname"], said: 'read "/etc/hostname"' },
    { set: ["attempt=run", "target=sh"], said: 'run the program "sh"' },
  ];
  for (const t of tries) {
    const r = await cli(["plan", COUNT, ...sets(t.set)]);
    equal(r.code, 1, `${t.said}: exit code; stderr: ${r.stderr}`);
    match(
      r.stderr,
      new RegExp(
        `^error: ${
          escape(join(ROOT, "tests/fixtures/pipelines/hostile/model.ts"))
        }, step "solo", field "\\w+": permission denied: the pipeline tried to ${
          escape(t.said)
        } while counting the parameters of model "hostileMlp"`,
        "m",
      ),
    );
  }
  const plan = await cli(["plan", COUNT]);
  equal(plan.code, 0, plan.stderr);
});

Deno.test("the same plugins, doing nothing forbidden, plan and train", async () => {
  const plan = await cli(["plan", DECLARE]);
  equal(plan.code, 0, plan.stderr);
  const run = await cli(["run", TRAIN, "--json"]);
  equal(run.code, 0, run.stderr);
  equal(summary(run).steps[0].status, "ran");
});

Deno.test("a pipeline in a folder outside the project trains with the plugin beside it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "born-again-paper-" });
  try {
    // A paper's repository: its pipeline and dataset plugin, importing the library by URL.
    for (const name of ["train_time.ts", "data.ts"]) {
      const text = await Deno.readTextFile(join(ROOT, "tests/fixtures/pipelines/hostile", name));
      await Deno.writeTextFile(
        join(dir, name),
        text.replaceAll(/"(\.\.\/)+/g, `"${toFileUrl(ROOT).href}/`),
      );
    }
    const r = await cli(["run", join(dir, "train_time.ts"), "--json"]);
    equal(r.code, 0, r.stderr);
    equal(summary(r).steps[0].status, "ran");
    ok(!r.stderr.includes("permission denied"), r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
