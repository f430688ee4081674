/**
 * The paper-style results table: one row per step grouped over its seed replicates, with the
 * parameter count, last-epoch test error or perplexity (mean ± sd), the difference from the
 * teacher, and the number of seeds.
 *
 * @module
 */
import { formatCount } from "../progress/format.ts";
import type { ReportData, ReportStep } from "./collect_report.ts";
import { type Stats, summarise } from "./stats.ts";

/** Result metrics the table can show, in column order (the paper gives validation before test). */
export const METRICS = [
  { id: "testError", label: "test error %" },
  { id: "validError", label: "valid error %" },
  { id: "validPerplexity", label: "valid ppl" },
  { id: "testPerplexity", label: "test ppl" },
] as const;

/** A metric a result may carry. */
export type MetricId = typeof METRICS[number]["id"];

/** One row: a step over its replicates. */
export interface ResultRow {
  name: string;
  kind: ReportStep["kind"];
  domain: ReportStep["domain"];
  model?: string;
  /** The model's conventional name (`ResNet-56`), shown in tables instead of the descriptor. */
  modelName?: string;
  loss?: string;
  /** Base names of the teacher(s) of a train step or the members of an ensemble. */
  inputs: string[];
  parameters?: number;
  metrics: Partial<Record<MetricId, Stats>>;
  /** The metric the delta is taken on: test error, else test perplexity. */
  headline?: MetricId;
  /** Per-seed (paired by replicate) difference from the teacher on the headline metric. */
  delta?: Stats;
  /** Training (or evaluation) seconds per replicate. */
  seconds?: Stats;
  seeds: { done: number; declared: number };
  /** Replicates not in the cache, by step name. */
  missing: string[];
}

/** The table and the teacher row it compares against. */
export interface ResultsTable {
  /** Name of the reference row, if the pipeline has one. */
  teacher?: string;
  /** Metric columns present in at least one row. */
  metrics: MetricId[];
  rows: ResultRow[];
}

function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}

/** The reference row: the step named "teacher", else the first train step without a teacher. */
export function teacherOf(rows: ResultRow[]): ResultRow | undefined {
  return rows.find((r) => r.name === "teacher" && r.kind === "train") ??
    rows.find((r) => r.kind === "train" && r.inputs.length === 0);
}

function expectedMetric(domain: ReportStep["domain"]): MetricId {
  return domain === "text" ? "testPerplexity" : "testError";
}

/** Group `data.steps` by base name (in declaration order) and summarise each group. */
export function resultsTable(data: ReportData): ResultsTable {
  const groups = new Map<string, ReportStep[]>();
  for (const s of data.steps) {
    if (!groups.has(s.baseName)) groups.set(s.baseName, []);
    groups.get(s.baseName)!.push(s);
  }
  const rows: ResultRow[] = [];
  for (const [name, steps] of groups) {
    const done = steps.filter((s) => s.status === "done");
    const first = steps[0];
    const metrics: ResultRow["metrics"] = {};
    for (const m of METRICS) {
      const st = summarise(done.flatMap((s) => num(s.result?.[m.id]) ?? []));
      if (st) metrics[m.id] = st;
    }
    const params = summarise(done.flatMap((s) => num(s.result?.parameters) ?? []));
    rows.push({
      name,
      kind: first.kind,
      domain: first.domain,
      model: first.model,
      modelName: first.modelName,
      loss: first.loss,
      inputs: first.teacher ?? first.members ?? [],
      parameters: params?.mean,
      metrics,
      headline: metrics.testError
        ? "testError"
        : metrics.testPerplexity
        ? "testPerplexity"
        : undefined,
      seconds: summarise(done.flatMap((s) => num(s.result?.seconds) ?? [])),
      seeds: { done: done.length, declared: steps.length },
      missing: steps.filter((s) => s.status !== "done").map((s) => s.name),
    });
  }
  const teacher = teacherOf(rows);
  if (teacher?.headline) {
    const metric = teacher.headline;
    const byReplicate = (name: string) =>
      new Map(
        data.steps.filter((s) => s.baseName === name && s.status === "done").flatMap((s) => {
          const v = num(s.result?.[metric]);
          return v === undefined ? [] : [[s.replicate, v] as const];
        }),
      );
    const ref = byReplicate(teacher.name);
    for (const row of rows) {
      if (row === teacher || row.headline !== metric) continue;
      // Paired by replicate: seed k of a student is compared with seed k of the teacher, which
      // removes the teacher's own seed-to-seed spread from the difference.
      const diffs = [...byReplicate(row.name)].flatMap(([k, v]) =>
        ref.has(k) ? [v - ref.get(k)!] : []
      );
      row.delta = summarise(diffs);
    }
  }
  return {
    teacher: teacher?.name,
    // A row with no result yet still gets the column its domain would fill, to say "missing".
    metrics: METRICS.map((m) => m.id).filter((id) =>
      rows.some((r) => r.metrics[id] || (r.seeds.done === 0 && id === expectedMetric(r.domain)))
    ),
    rows,
  };
}

/** `16.80 ± 0.27`, or `16.80` for a single seed. */
export function formatStats(s: Stats | undefined, signed = false): string {
  if (!s) return "";
  const f = (x: number) => (signed && x >= 0 ? "+" : "") + x.toFixed(2);
  return s.sd === undefined ? f(s.mean) : `${f(s.mean)} ± ${s.sd.toFixed(2)}`;
}

/** `ResNet-56 = resnet(depth=56, …)` for each short model name in the table, once. */
export function modelLegend(t: ResultsTable): string[] {
  const seen = new Map<string, string>();
  for (const r of t.rows) {
    if (r.kind === "train" && r.model && r.modelName && r.modelName !== r.model) {
      seen.set(r.modelName, r.model);
    }
  }
  return [...seen].map(([short, full]) => `${short} = ${full}`);
}

/** The table as header and string cells, shared by the Markdown, HTML and terminal forms. */
export function resultCells(t: ResultsTable): { header: string[]; rows: string[][] } {
  const label = (id: MetricId) => METRICS.find((m) => m.id === id)!.label;
  const header = [
    "step",
    "model",
    "loss",
    "from",
    "params",
    ...t.metrics.map(label),
    "Δ vs teacher",
    "seeds",
  ];
  const rows = t.rows.map((r) => [
    r.name,
    r.kind === "ensemble" ? `ensemble of ${r.inputs.length}` : r.modelName ?? r.model ?? "",
    r.loss ?? "",
    r.inputs.join(r.kind === "ensemble" ? " + " : ", "),
    formatCount(r.parameters),
    ...t.metrics.map((id) => r.seeds.done === 0 ? "missing" : formatStats(r.metrics[id])),
    r.name === t.teacher ? "(teacher)" : formatStats(r.delta, true),
    r.seeds.done === r.seeds.declared
      ? String(r.seeds.done)
      : `${r.seeds.done} of ${r.seeds.declared}`,
  ]);
  return { header, rows };
}
