/**
 * The batch script of one step: `#SBATCH` lines for its resources and files, then `exec` of the
 * same worker command a local run uses. Written next to the step's checkpoint folder so a user
 * can read, and resubmit by hand, exactly what ran.
 *
 * @module
 */
import { shellQuote } from "../util/run_origin.ts";
import type { SlurmResources } from "./slurm_options.ts";

/** What goes into a job script. */
export interface JobScriptOptions {
  /** Job name shown by squeue. */
  name: string;
  /** Recorded as the job's comment; tells our jobs apart (`born-again:<key>`). */
  comment: string;
  /** Working directory of the job (the project root, as for local workers). */
  chdir: string;
  /** The worker's stdout (its JSON-line events); `%j` is the job id. */
  output: string;
  /** The worker's stderr (its log), appended across resubmissions. */
  error: string;
  resources: SlurmResources;
  /** Seconds before the time limit at which the worker gets SIGTERM; 0 for none. */
  signalSeconds: number;
  /** The command to run, as an argv array. */
  command: string[];
  /** Extra environment for the command. */
  env?: Record<string, string>;
  /** Comment lines for the reader. */
  notes?: string[];
}

/** An `#SBATCH` option value: sbatch reads double quotes there, so quote values with spaces. */
function sbatchValue(s: string): string {
  if (/["\r\n]/.test(s)) throw new Error(`Cannot put ${JSON.stringify(s)} in an #SBATCH line`);
  return /\s/.test(s) ? `"${s}"` : s;
}

/** The text of the job script. */
export function jobScript(o: JobScriptOptions): string {
  const r = o.resources;
  const opts: string[] = [
    `--job-name=${sbatchValue(o.name)}`,
    `--comment=${sbatchValue(o.comment)}`,
    `--chdir=${sbatchValue(o.chdir)}`,
    `--output=${sbatchValue(o.output)}`,
    `--error=${sbatchValue(o.error)}`,
    // Resubmissions append to the log instead of replacing it.
    "--open-mode=append",
    // The launcher resubmits (bounded) itself; a requeue would restart behind its back.
    "--no-requeue",
    "--nodes=1",
    "--ntasks=1",
  ];
  if (r.partition) opts.push(`--partition=${r.partition}`);
  if (r.account) opts.push(`--account=${r.account}`);
  if (r.time) opts.push(`--time=${r.time}`);
  if (r.cpus) opts.push(`--cpus-per-task=${r.cpus}`);
  if (r.mem) opts.push(`--mem=${r.mem}`);
  if (r.gpus) opts.push(`--gpus=${r.gpus}`);
  // B: signals the batch shell, which `exec` made the worker itself.
  if (o.signalSeconds > 0) opts.push(`--signal=B:TERM@${o.signalSeconds}`);
  opts.push(...r.sbatch);
  const lines = [
    "#!/bin/bash",
    ...opts.map((x) => `#SBATCH ${x}`),
    ...(o.notes ?? []).map((n) => `# ${n}`),
    ...Object.entries(o.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `exec ${o.command.map(shellQuote).join(" ")}`,
  ];
  return lines.join("\n") + "\n";
}
