/**
 * A cache shared read-only: `plan`, a fully cached `run` and `report --report-dir` work and exit
 * 0; a command that must write into it (a step to train, the report's default folder) fails with
 * one line naming the path and saying the cache is read-only, never a stack trace.
 *
 * The cache is made read-only by a read-only bind mount in a private mount namespace when run as
 * root (root ignores file permissions, and CI runs as root), else by `chmod -R a-w`. Where neither
 * can be done the tests are skipped, saying why.
 *
 * @module
 */
import { equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import {
  cliArgs,
  type CliResult,
  ROOT,
  runCli,
  statuses,
  summary,
  tempCache,
} from "../../helpers/cli.ts";

const CHAIN = "tests/fixtures/pipelines/chain.ts";

/** Mounts `$1` read-only over itself, then runs the rest of the arguments. */
const MOUNT_RO = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && ';

/** How this machine can make a folder read-only for the CLI, or why it cannot. */
async function readOnlyMethod(): Promise<"mount" | "chmod" | string> {
  if (Deno.build.os !== "linux") return "needs Linux";
  if (Deno.uid() !== 0) return "chmod";
  const dir = await Deno.makeTempDir();
  try {
    const probe = await new Deno.Command("unshare", {
      args: ["-m", "--propagation", "private", "sh", "-c", `${MOUNT_RO}! touch "$0/x"`, dir, dir],
      stdout: "null",
      stderr: "piped",
    }).output();
    return probe.success
      ? "mount"
      : `as root it needs unshare and mount: ${new TextDecoder().decode(probe.stderr).trim()}`;
  } catch (e) {
    return `as root it needs unshare and mount: ${(e as Error).message}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const method = await readOnlyMethod();
const skip = method !== "mount" && method !== "chmod";
if (skip) console.warn(`readonly_test: skipped: ${method}`);

/** Run the CLI with `cache` read-only. */
async function runReadOnly(cache: string, args: string[]): Promise<CliResult> {
  if (method === "chmod") return await runCli(args);
  const out = await new Deno.Command("unshare", {
    args: [
      "-m",
      "--propagation",
      "private",
      "sh",
      "-c",
      `${MOUNT_RO}exec "$@"`,
      "sh",
      cache,
      Deno.execPath(),
      ...cliArgs(args),
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** No stack trace or uncaught error in the output. */
function noStack(r: CliResult): void {
  const all = r.stdout + r.stderr;
  ok(!/Uncaught|^\s+at /m.test(all), `a stack trace:\n${all}`);
}

Deno.test({
  name: `a read-only cache plans, runs what is cached and reports elsewhere${
    skip ? ` (skipped: ${method})` : ""
  }`,
  ignore: skip,
  fn: async () => {
    const cache = await tempCache();
    const reports = await Deno.makeTempDir();
    const base = ["--cache-dir", cache, "--executor", "cpu"];
    try {
      equal((await runCli(["run", CHAIN, ...base])).code, 0);
      if (method === "chmod") {
        await new Deno.Command("chmod", { args: ["-R", "a-w", cache] }).output();
      }

      const plan = await runReadOnly(cache, ["plan", CHAIN, ...base, "--json"]);
      equal(plan.code, 0, plan.stderr);
      ok(JSON.parse(plan.stdout).steps.every((s: { status: string }) => s.status === "cached"));

      const run = await runReadOnly(cache, ["run", CHAIN, ...base, "--json"]);
      equal(run.code, 0, run.stderr);
      ok(Object.values(statuses(summary(run))).every((s) => s === "cached"));
      noStack(run);

      const report = await runReadOnly(cache, ["report", CHAIN, ...base, "--report-dir", reports]);
      equal(report.code, 0, report.stderr);
      const written = report.stdout.match(/^report: (\S+)$/m)?.[1] ?? "";
      ok(written.startsWith(join(reports, "reports", "chain")), report.stdout);
      ok((await Deno.stat(written)).isFile);

      // Writes that are needed fail naming the path.
      const inCache = await runReadOnly(cache, ["report", CHAIN, ...base]);
      equal(inCache.code, 1);
      match(
        inCache.stderr,
        /cannot write the report in \S+reports\S*: it is read-only .*--report-dir/,
      );
      noStack(inCache);

      const train = await runReadOnly(cache, ["run", CHAIN, ...base, "--set", "gen2Epochs=3"]);
      equal(train.code, 1);
      match(
        train.stderr,
        new RegExp(`step "gen2": cannot write ${cache}/\\S+ .*: the cache ${cache} is read-only`),
      );
      noStack(train);
    } finally {
      if (method === "chmod") {
        await new Deno.Command("chmod", { args: ["-R", "u+w", cache] }).output();
      }
      await Deno.remove(cache, { recursive: true });
      await Deno.remove(reports, { recursive: true });
    }
  },
});
