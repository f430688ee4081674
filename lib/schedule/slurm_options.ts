/**
 * Slurm resources and launcher settings: command-line defaults plus per-step overrides. They
 * decide where and how a step runs, never what it computes, so none of them enters a key.
 *
 *   --slurm-time 4:00:00 --slurm-gpus 1 --slurm-sbatch=--qos=high
 *   --slurm-step teacher:time=8:00:00,mem=32G     (a step name, base name or glob: gen*)
 *
 * @module
 */
import { PipelineError } from "../errors.ts";

/** What one job asks Slurm for. Unset fields are left to the partition's defaults. */
export interface SlurmResources {
  partition?: string;
  account?: string;
  /** Time limit in sbatch's format: minutes, MM:SS, HH:MM:SS or D-HH[:MM[:SS]]. */
  time?: string;
  /** CPUs per task. */
  cpus?: number;
  /** Memory per node, as sbatch takes it: 4000, 16G. */
  mem?: string;
  /** GPUs per job: a count or type:count (`a100:1`). */
  gpus?: string;
  /** Raw `#SBATCH` options for site specifics: `--qos=high`, `--constraint=v100`, `--gres=…`. */
  sbatch: string[];
}

/** Per-step overrides; later ones win. */
export interface SlurmStepOverride {
  /** A step name, a base name (`teacher` matches `teacher#2`) or a glob with `*`. */
  pattern: string;
  resources: Partial<SlurmResources>;
}

/** Settings of the Slurm launcher. */
export interface SlurmOptions {
  defaults: SlurmResources;
  steps: SlurmStepOverride[];
  /** Seconds before the time limit at which the worker gets SIGTERM to checkpoint. Default 120. */
  signalSeconds: number;
  /** Resubmissions of a step stopped by time limit, preemption or node failure. Default 3. */
  retries: number;
  /** Check with a tiny job that compute nodes see the cache folder. Default true. */
  probe: boolean;
}

/** Raw values of the `--slurm-*` command-line options. */
export interface SlurmCliValues {
  "slurm-partition"?: string;
  "slurm-account"?: string;
  "slurm-time"?: string;
  "slurm-cpus"?: string;
  "slurm-mem"?: string;
  "slurm-gpus"?: string;
  "slurm-sbatch"?: string[];
  "slurm-step"?: string[];
  "slurm-signal"?: string;
  "slurm-retries"?: string;
  "slurm-no-probe"?: boolean;
}

/** The `--slurm-*` options for node:util's parseArgs. */
export const SLURM_CLI_OPTIONS = {
  "slurm-partition": { type: "string" },
  "slurm-account": { type: "string" },
  "slurm-time": { type: "string" },
  "slurm-cpus": { type: "string" },
  "slurm-mem": { type: "string" },
  "slurm-gpus": { type: "string" },
  "slurm-sbatch": { type: "string", multiple: true },
  "slurm-step": { type: "string", multiple: true },
  "slurm-signal": { type: "string" },
  "slurm-retries": { type: "string" },
  "slurm-no-probe": { type: "boolean" },
} as const;

/** Help lines for the `--slurm-*` options. */
export const SLURM_USAGE = `slurm (with --scheduler slurm; see docs/slurm.md):
  --slurm-partition P   --slurm-account A   --slurm-time LIMIT (minutes or [D-]HH:MM:SS)
  --slurm-cpus N        --slurm-mem 16G     --slurm-gpus N|TYPE:N
  --slurm-sbatch OPT    raw #SBATCH option, e.g. --slurm-sbatch=--qos=high (repeatable)
  --slurm-step S:F=V,…  per-step resources, e.g. teacher:time=8:00:00,gpus=1 (repeatable)
  --slurm-signal SEC    SIGTERM this long before the time limit to checkpoint (default 120)
  --slurm-retries N     resubmit after time limit, preemption or node failure (default 3)
  --slurm-no-probe      skip the job that checks the cache is visible from compute nodes`;

const FIELDS = ["partition", "account", "time", "cpus", "mem", "gpus", "sbatch"] as const;
type Field = typeof FIELDS[number];

const CHECKS: Record<Exclude<Field, "sbatch" | "cpus">, [RegExp, string]> = {
  partition: [/^[\w.,-]+$/, "a partition name (letters, digits, . , - _)"],
  account: [/^[\w.-]+$/, "an account name (letters, digits, . - _)"],
  time: [
    /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+(:\d{1,2}(:\d{1,2})?)?)$/,
    "minutes, MM:SS, HH:MM:SS or D-HH[:MM[:SS]]",
  ],
  mem: [/^\d+[KMGT]?$/i, "a size such as 4000 or 16G"],
  gpus: [/^([\w.-]+:)?\d+$/, "a count or TYPE:COUNT"],
};

function bad(option: string, value: string, rule: string): PipelineError {
  return new PipelineError(`${option} must be ${rule}: got ${JSON.stringify(value)}`, {
    field: option.replace(/^--/, "").split(" ")[0],
    reason: "bad-param",
  });
}

function checkField(field: Field, value: string, option: string): Partial<SlurmResources> {
  if (field === "sbatch") {
    // Each goes into the job script as its own `#SBATCH` line: one option, no line breaks.
    if (!/^-/.test(value) || /[\r\n]/.test(value)) {
      throw bad(option, value, "one sbatch option starting with - on a single line");
    }
    return { sbatch: [value] };
  }
  if (field === "cpus") {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw bad(option, value, "a positive integer");
    return { cpus: n };
  }
  const [re, rule] = CHECKS[field];
  if (!re.test(value)) throw bad(option, value, rule);
  return { [field]: value };
}

function parseStep(text: string): SlurmStepOverride {
  const colon = text.indexOf(":");
  const pattern = text.slice(0, colon);
  if (colon < 1 || !/^[\w#*.-]+$/.test(pattern)) {
    throw bad("--slurm-step", text, "STEP:FIELD=VALUE[,FIELD=VALUE…]");
  }
  const resources: Partial<SlurmResources> = {};
  // Split on commas that start a new FIELD=, so values such as `--constraint=a,b` survive.
  const parts = text.slice(colon + 1).split(new RegExp(`,(?=(?:${FIELDS.join("|")})=)`));
  for (const part of parts) {
    const eq = part.indexOf("=");
    const field = part.slice(0, eq) as Field;
    if (eq < 1 || !FIELDS.includes(field)) {
      throw bad(`--slurm-step`, text, `STEP:FIELD=VALUE with FIELD one of ${FIELDS.join(", ")}`);
    }
    const got = checkField(field, part.slice(eq + 1), `--slurm-step ${pattern}:${field}`);
    if (got.sbatch) resources.sbatch = [...(resources.sbatch ?? []), ...got.sbatch];
    else Object.assign(resources, got);
  }
  return { pattern, resources };
}

function integer(option: string, value: string | undefined, fallback: number, max: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw bad(option, value, `an integer from 0 to ${max}`);
  }
  return n;
}

/** Validate the `--slurm-*` values; errors name the option and the bad value. */
export function parseSlurmOptions(v: SlurmCliValues): SlurmOptions {
  const defaults: SlurmResources = { sbatch: [] };
  for (const field of FIELDS) {
    if (field === "sbatch") {
      for (const line of v["slurm-sbatch"] ?? []) {
        defaults.sbatch.push(...checkField("sbatch", line, "--slurm-sbatch").sbatch!);
      }
      continue;
    }
    const value = v[`slurm-${field}`];
    if (value !== undefined) Object.assign(defaults, checkField(field, value, `--slurm-${field}`));
  }
  return {
    defaults,
    steps: (v["slurm-step"] ?? []).map(parseStep),
    signalSeconds: integer("--slurm-signal", v["slurm-signal"], 120, 65535),
    retries: integer("--slurm-retries", v["slurm-retries"], 3, 100),
    probe: !v["slurm-no-probe"],
  };
}

function matches(pattern: string, step: string): boolean {
  const base = step.replace(/#\d+$/, "");
  // A sweep's version of a step, `gen1[lr=0.1]#2`, also matches as the step it comes from.
  const names = [step, base, base.replace(/\[.*$/, "")];
  if (!pattern.includes("*")) return names.includes(pattern);
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\#]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return names.some((n) => re.test(n));
}

/** The resources of step `step`: defaults, then every matching override in order. */
export function resourcesFor(options: SlurmOptions, step: string): SlurmResources {
  const out: SlurmResources = { ...options.defaults, sbatch: [...options.defaults.sbatch] };
  for (const o of options.steps) {
    if (!matches(o.pattern, step)) continue;
    const { sbatch, ...rest } = o.resources;
    Object.assign(out, rest);
    if (sbatch) out.sbatch.push(...sbatch);
  }
  return out;
}
