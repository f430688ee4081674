/**
 * The single-node Slurm cluster the Slurm tests run against, on localhost. `.ci/slurm_up.sh`
 * starts it (or confirms it is up, in well under a second); CI calls the same script first, with
 * package installation allowed. Where Slurm is not installed the tests are skipped, visibly.
 *
 * @module
 */
import { ROOT } from "./cli.ts";

/** The cluster, or why there is none. */
export type SlurmCluster = { ok: true; conf: string } | { ok: false; reason: string };

let started: Promise<SlurmCluster> | undefined;

async function start(): Promise<SlurmCluster> {
  let out;
  try {
    out = await new Deno.Command("bash", {
      args: [`${ROOT}/.ci/slurm_up.sh`, "--no-install"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    return { ok: false, reason: `cannot run .ci/slurm_up.sh: ${(e as Error).message}` };
  }
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout), stderr = dec.decode(out.stderr).trim();
  if (out.code === 3) return { ok: false, reason: stderr.replace(/^slurm_up: /, "") };
  const conf = stdout.match(/^SLURM_CONF=(.+)$/m)?.[1];
  if (out.code !== 0 || !conf) {
    // Installed but not startable: a broken harness must fail the tests, not hide them.
    throw new Error(`.ci/slurm_up.sh failed (exit ${out.code}):\n${stderr}\n${stdout}`);
  }
  // Every Slurm command the tests and the CLI under test run reads the cluster from here.
  Deno.env.set("SLURM_CONF", conf);
  return { ok: true, conf };
}

/** Start the test cluster once per process; prints why when the Slurm tests will be skipped. */
export function slurmCluster(): Promise<SlurmCluster> {
  started ??= start().then((c) => {
    if (!c.ok) console.warn(`Slurm tests skipped: ${c.reason} (CI runs .ci/slurm_up.sh)`);
    return c;
  });
  return started;
}

/** Run a Slurm command against the test cluster; stdout. */
export async function slurm(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdin: "null" }).output();
  const dec = new TextDecoder();
  if (out.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  }
  return dec.decode(out.stdout);
}

/** One job as the tests see it. */
export interface TestJob {
  id: number;
  name: string;
  state: string;
  comment: string;
}

/** Every job the controller knows (finished ones included). */
export async function allJobs(): Promise<TestJob[]> {
  const out = await slurm("squeue", ["-h", "-t", "all", "-o", "%i|%j|%T|%k"]);
  return out.trim().split("\n").filter(Boolean).map((line) => {
    const [id, name, state, ...comment] = line.split("|");
    return { id: Number(id), name, state, comment: comment.join("|") };
  });
}

/** The highest job id so far (jobs submitted later have higher ids). */
export async function lastJobId(): Promise<number> {
  return Math.max(0, ...(await allJobs()).map((j) => j.id));
}
