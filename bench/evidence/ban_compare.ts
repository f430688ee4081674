/**
 * The BAN chain side by side: this project's run of `pipelines/ban-resnet.ts` (its `--json`
 * summary, and the cache entries it names when `--cache-dir` is given) against the PyTorch
 * reference `bench/evidence/ban_torch.py` (its `--out` JSON). Prints, per side, the teacher, gen1,
 * gen2 and BANE test error as mean ± sd over seeds, the paired Δ of each against the teacher, and
 * the last epoch's training loss, as a Markdown table.
 *
 *   deno run --allow-read bench/evidence/ban_compare.ts \
 *     --ours bench/evidence/results/ours.json --torch bench/evidence/results/torch.json \
 *     [--cache-dir DIR]
 *
 * With `--cache-dir`, each step's result and training loss are read from its entry's manifest and
 * history by the key the summary names (a later change of keys does not lose them: the summary
 * holds the keys of that run); without it, from the summary.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { summarise } from "../../lib/report/stats.ts";
import { CacheLayout } from "../../lib/store/layout.ts";

/** One side's results: step → per-seed values, in seed order. */
export interface Side {
  name: string;
  testError: Record<string, number[]>;
  trainLoss: Record<string, number[]>;
  /** Error on the unaugmented training set in inference mode (where the side measures it). */
  trainError: Record<string, number[]>;
}

/** The chain's steps, in table order. */
export const STEPS = ["teacher", "gen1", "gen2", "bane"] as const;

interface SummaryStep {
  name: string;
  key: string;
  metrics?: Record<string, unknown>;
}

/** `gen1#3` → { base: "gen1", seed: 3 }; a name without `#` is the first seed. */
function splitName(name: string): { base: string; seed: number } {
  const [base, n] = name.split("#");
  return { base, seed: n === undefined ? 1 : Number(n) };
}

function put(into: Record<string, number[]>, base: string, seed: number, value: unknown) {
  if (typeof value !== "number") return;
  (into[base] ??= [])[seed - 1] = value;
}

/** Our side from a run's `--json` summary, reading entries from `cacheDir` when given. */
export async function oursFromSummary(summaryPath: string, cacheDir?: string): Promise<Side> {
  const summary = JSON.parse(await Deno.readTextFile(summaryPath)) as { steps?: SummaryStep[] };
  if (!Array.isArray(summary.steps)) {
    throw new Error(`${summaryPath}: not a run summary (no "steps"; run with --json)`);
  }
  const side: Side = { name: "this project", testError: {}, trainLoss: {}, trainError: {} };
  const layout = cacheDir ? new CacheLayout(cacheDir) : undefined;
  for (const step of summary.steps) {
    const { base, seed } = splitName(step.name);
    if (!(STEPS as readonly string[]).includes(base)) continue;
    let metrics = step.metrics ?? {};
    let history: Array<Record<string, unknown>> = [];
    if (layout) {
      const manifestPath = layout.manifest(step.key);
      let manifest;
      try {
        manifest = JSON.parse(await Deno.readTextFile(manifestPath));
      } catch (e) {
        throw new Error(
          `step ${step.name}: cannot read ${manifestPath} (${(e as Error).message}); ` +
            `omit --cache-dir to use the summary's metrics`,
        );
      }
      metrics = manifest.result ?? metrics;
      if (manifest.files?.["history.json"]) {
        history = JSON.parse(await Deno.readTextFile(join(layout.entry(step.key), "history.json")));
      }
    }
    put(side.testError, base, seed, metrics.testError);
    put(side.trainLoss, base, seed, history[history.length - 1]?.trainLoss);
  }
  return side;
}

/** The PyTorch side from `ban_torch.py --out`. */
export async function torchFromJson(path: string): Promise<Side> {
  const data = JSON.parse(await Deno.readTextFile(path)) as {
    runs?: Array<
      Record<string, { testError?: number; trainLoss?: number; trainError?: number } | number>
    >;
  };
  if (!Array.isArray(data.runs)) throw new Error(`${path}: no "runs" (written by ban_torch.py?)`);
  const side: Side = { name: "PyTorch", testError: {}, trainLoss: {}, trainError: {} };
  data.runs.forEach((run, i) => {
    for (const base of STEPS) {
      const r = run[base];
      if (typeof r !== "object") continue;
      put(side.testError, base, i + 1, r.testError);
      put(side.trainLoss, base, i + 1, r.trainLoss);
      put(side.trainError, base, i + 1, r.trainError);
    }
  });
  return side;
}

const fmt = (s: ReturnType<typeof summarise>, sign = false) =>
  s === undefined
    ? ""
    : `${sign && s.mean >= 0 ? "+" : ""}${s.mean.toFixed(2)}${
      s.sd === undefined ? "" : ` ± ${s.sd.toFixed(2)}`
    }`;

/** Paired differences a[i] − b[i] over the seeds both have. */
export function paired(a: number[] = [], b: number[] = []): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) out.push(a[i] - b[i]);
  }
  return out;
}

/** The comparison as Markdown table rows, one per side and step. */
export function compareTable(sides: Side[]): string {
  const rows = [
    "| side | step | test error % | Δ vs teacher (paired) | train loss | train error % | seeds |",
    "| ---- | ---- | -----------: | --------------------: | ---------: | ------------: | ----: |",
  ];
  for (const side of sides) {
    for (const step of STEPS) {
      const errs = (side.testError[step] ?? []).filter(Number.isFinite);
      if (!errs.length) continue;
      const delta = step === "teacher"
        ? "(teacher)"
        : fmt(summarise(paired(side.testError[step], side.testError.teacher)), true);
      const of = (v: Record<string, number[]>) =>
        fmt(summarise((v[step] ?? []).filter(Number.isFinite)));
      rows.push(
        `| ${side.name} | ${step} | ${fmt(summarise(errs))} | ${delta} | ${of(side.trainLoss)} | ` +
          `${of(side.trainError)} | ${errs.length} |`,
      );
    }
  }
  return rows.join("\n");
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ours: { type: "string" },
      torch: { type: "string" },
      "cache-dir": { type: "string" },
    },
  });
  if (!values.ours || !values.torch) {
    console.error(
      "usage: ban_compare.ts --ours SUMMARY.json --torch TORCH.json [--cache-dir DIR]",
    );
    return 2;
  }
  const sides = [
    await oursFromSummary(values.ours, values["cache-dir"]),
    await torchFromJson(values.torch),
  ];
  console.log(compareTable(sides));
  console.log(
    "\nTest error: last epoch, mean ± sample sd over seeds. Δ: paired seed by seed " +
      "(negative: lower error than the teacher). Train loss: the last epoch's mean mini-batch " +
      "loss in training mode (cross-entropy for the teacher, KD for the students). Train error: " +
      "the unaugmented training subset in inference mode (measured by the PyTorch script only).",
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
