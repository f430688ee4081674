/**
 * Before the first step is submitted, a tiny job checks what every step job needs from its
 * node: the cache folder (written here, read there), the project and deno at the same paths.
 * It writes a random token into the cache; seeing the token here proves the storage is shared.
 *
 * @module
 */
import { join } from "node:path";
import { CacheLayout } from "../store/layout.ts";
import { submitJob } from "./slurm_cli.ts";
import type { SlurmResources } from "./slurm_options.ts";
import { jobScript } from "./slurm_script.ts";
import { shellQuote } from "../util/run_origin.ts";
import type { JobInfo } from "./slurm_state.ts";

/** What the probe needs. */
export interface ProbeOptions {
  cacheDir: string;
  projectRoot: string;
  denoPath: string;
  /** The run's default resources (partition, account, site options); time and CPUs are small. */
  resources: SlurmResources;
  /** Waits for a submitted job to end. */
  wait: (id: string) => Promise<JobInfo>;
  /** Told the probe's job id as soon as it is known (to cancel it on Ctrl-C). */
  submitted: (id: string) => void;
}

/** Ok, or why steps cannot run on the cluster. */
export type ProbeResult = { ok: true; job: string } | { ok: false; message: string };

const EXIT_CACHE = 3, EXIT_DENO = 4, EXIT_PROJECT = 5, EXIT_WRITE = 6;

async function readToken(path: string, tries: number): Promise<string | undefined> {
  for (let i = 0; i < tries; i++) {
    try {
      return await Deno.readTextFile(path);
    } catch {
      // Network filesystems may show a file written elsewhere only after their attribute cache
      // expires: look again for a few seconds before concluding it is not shared.
      if (i + 1 < tries) await new Promise((r) => setTimeout(r, 1000));
    }
  }
  return undefined;
}

/** Run the probe job and say whether compute nodes see the cache. */
export async function probeCluster(o: ProbeOptions): Promise<ProbeResult> {
  const token = crypto.randomUUID();
  const layout = new CacheLayout(o.cacheDir);
  await Deno.mkdir(layout.tmp, { recursive: true });
  // At the cache's root, which must exist there: a node with a local folder of the same name
  // writes the token, and it does not appear here.
  const tokenPath = layout.slurmProbeToken(token);
  const scriptPath = layout.slurmProbeScript(token);
  const q = shellQuote;
  const script = jobScript({
    name: "ba-probe",
    comment: "born-again:probe",
    chdir: "/",
    output: "/dev/null",
    error: "/dev/null",
    resources: { ...o.resources, gpus: undefined, cpus: 1, time: "1" },
    signalSeconds: 0,
    command: [
      "/bin/sh",
      "-c",
      [
        `test -d ${q(o.cacheDir)} || exit ${EXIT_CACHE}`,
        `test -x ${q(o.denoPath)} || exit ${EXIT_DENO}`,
        `test -f ${q(join(o.projectRoot, "lib/worker/main.ts"))} || exit ${EXIT_PROJECT}`,
        `printf %s ${q(token)} > ${q(tokenPath)} || exit ${EXIT_WRITE}`,
      ].join("\n"),
    ],
    notes: ["born-again: can this node see the cache folder, the project and deno?"],
  });
  await Deno.writeTextFile(scriptPath, script);
  let id: string;
  try {
    id = await submitJob(scriptPath);
  } catch (e) {
    return { ok: false, message: `Cannot submit the probe job: ${(e as Error).message}` };
  } finally {
    await Deno.remove(scriptPath).catch(() => {});
  }
  o.submitted(id);
  const job = await o.wait(id);
  const node = job.nodes && job.nodes !== "(null)" ? job.nodes : "its node";
  const shared = "the cache must be on storage every compute node mounts at the same path " +
    "(--cache-dir or $BORN_AGAIN_CACHE)";
  if (job.state === "COMPLETED") {
    const seen = await readToken(tokenPath, 5);
    await Deno.remove(tokenPath).catch(() => {});
    if (seen === token) return { ok: true, job: id };
    return {
      ok: false,
      message: `The cache folder ${o.cacheDir} is not shared with the compute nodes: probe job ` +
        `${id} wrote a token into it on ${node}, but the token did not appear here; ${shared}`,
    };
  }
  switch (job.state === "FAILED" ? job.exitCode : undefined) {
    case EXIT_CACHE:
      return {
        ok: false,
        message: `The cache folder ${o.cacheDir} does not exist on ${node} (probe job ${id}); ` +
          shared,
      };
    case EXIT_DENO:
      return {
        ok: false,
        message: `deno is not at ${o.denoPath} on ${node} (probe job ${id}): install it at the ` +
          "same path on the compute nodes (or on shared storage)",
      };
    case EXIT_PROJECT:
      return {
        ok: false,
        message: `The project folder ${o.projectRoot} is not visible from ${node} (probe job ` +
          `${id}): workers import the pipeline and plugins from it, so put it on shared storage`,
      };
    case EXIT_WRITE:
      return {
        ok: false,
        message: `${node} cannot write into the cache folder ${o.cacheDir} (probe job ${id})`,
      };
  }
  return {
    ok: false,
    message: `The probe job ${id} ended ${job.state} (exit code ${job.exitCode ?? "?"}, reason ` +
      `${job.reason}) on ${node}: check the partition and account options`,
  };
}
