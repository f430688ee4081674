/**
 * The index of a pipeline's reports (`reports/<pipeline>/index.md` and `index.html`): every
 * configuration the cache remembers, with its params, date, steps done and headline metrics, and a
 * link to its report.
 *
 * @module
 */
import { join, relative } from "node:path";
import { type ConfigRecord, type HeadlineMetric, setFlags } from "./configuration.ts";
import { escapeHtml as h } from "./escape_html.ts";
import { writeAtomic } from "./write_atomic.ts";

/** `12.34 ± 0.56` (or without ± for one seed). */
function cell(m: HeadlineMetric): string {
  return m.sd === undefined ? m.mean.toFixed(2) : `${m.mean.toFixed(2)} ± ${m.sd.toFixed(2)}`;
}

const date = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** Headline columns: every step that has a headline metric in some configuration, in order. */
function columns(records: ConfigRecord[]): { step: string; metric: string }[] {
  const seen = new Map<string, { step: string; metric: string }>();
  for (const r of records) {
    for (const m of r.headline) if (!seen.has(m.step)) seen.set(m.step, m);
  }
  return [...seen.values()];
}

const metricLabel = (metric: string) =>
  metric === "testError" ? "test error %" : metric === "testPerplexity" ? "test ppl" : metric;

function rows(records: ConfigRecord[]) {
  const cols = columns(records);
  const header = [
    "configuration",
    "params set",
    "reported",
    "steps",
    ...cols.map((c) => `${c.step} ${metricLabel(c.metric)}`),
  ];
  const body = records.map((r) => [
    r.id,
    setFlags(r.params, r.defaults).join(" ") || "(defaults)",
    date(r.reportedAt),
    `${r.steps.done} of ${r.steps.total}`,
    ...cols.map((c) => {
      const m = r.headline.find((x) => x.step === c.step);
      return m ? cell(m) : "—";
    }),
  ]);
  return { header, body, numericFrom: 3 };
}

/** The command that puts the two newest configurations side by side, when there are two. */
function compareHint(records: ConfigRecord[]): string | undefined {
  if (records.length < 2) return undefined;
  return `deno task report ${records[0].file} --compare ${records[0].id} --compare ${
    records[1].id
  }`;
}

/** A configuration's report folder as seen from the index's folder `dir`. */
const linkTo = (dir: string, r: ConfigRecord) => relative(dir, r.reportDir) || ".";

/** The index as Markdown, to be written into `dir`. */
export function indexMarkdown(dir: string, pipeline: string, records: ConfigRecord[]): string {
  const { header, body } = rows(records);
  const esc = (c: string) => c.replaceAll("|", "\\|");
  const linked = body.map((
    r,
    i,
  ) => [`[${r[0]}](${linkTo(dir, records[i])}/report.md)`, ...r.slice(1)]);
  return [
    `# ${pipeline}: configurations`,
    "",
    `${records.length} configuration${records.length === 1 ? "" : "s"} in the cache; ` +
    "rerun or report one with its params set.",
    "",
    `| ${header.map(esc).join(" | ")} |`,
    `|${header.map(() => " --- ").join("|")}|`,
    ...linked.map((r) => `| ${r.map(esc).join(" | ")} |`),
    "",
    ...(compareHint(records)
      ? [`Side by side, with learning curves overlaid: \`${compareHint(records)}\``, ""]
      : []),
  ].join("\n");
}

/** The index as one self-contained HTML page, to be written into `dir`. */
export function indexHtml(dir: string, pipeline: string, records: ConfigRecord[]): string {
  const { header, body, numericFrom } = rows(records);
  const num = (i: number) => i >= numericFrom ? ' class="num"' : "";
  const th = header.map((c, i) => `<th${num(i)}>${h(c)}</th>`).join("");
  const trs = body.map((r, ri) =>
    `<tr>${
      r.map((c, ci) =>
        ci === 0
          ? `<td><a href="${h(linkTo(dir, records[ri]))}/report.html"><code>${h(c)}</code></a></td>`
          : ci === 1
          ? `<td><code>${h(c)}</code></td>`
          : `<td${num(ci)}>${h(c)}</td>`
      ).join("")
    }</tr>`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(pipeline)}: configurations</title>
<style>
body { margin: 0; background: #f6f7f9; color: #1d1f23; font: 14px/1.45 system-ui, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; }
</style></head>
<body><main>
<h1>${h(pipeline)}: configurations</h1>
<p>${records.length} configuration${records.length === 1 ? "" : "s"} in the cache.</p>
<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>
${trs}
</tbody></table></div>
${
    compareHint(records)
      ? `<p>Side by side, with learning curves overlaid: <code>${
        h(compareHint(records)!)
      }</code></p>`
      : ""
  }
</main></body></html>
`;
}

/** Write `index.md` and `index.html` into a pipeline's report folder; returns their paths. */
export async function writeIndex(
  dir: string,
  pipeline: string,
  records: ConfigRecord[],
): Promise<{ markdown: string; html: string }> {
  const markdown = join(dir, "index.md"), html = join(dir, "index.html");
  for (
    const [path, text] of [
      [markdown, indexMarkdown(dir, pipeline, records)],
      [html, indexHtml(dir, pipeline, records)],
    ]
  ) {
    await writeAtomic(path, text);
  }
  return { markdown, html };
}
