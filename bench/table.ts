/** Print benchmark rows as a Markdown table, or as one JSON object with --json. @module */

/** One measured row. */
export type Row = Record<string, string | number>;

/** Render rows as a Markdown table. */
export function markdown(rows: Row[]): string {
  if (!rows.length) return "(no rows)";
  const cols = Object.keys(rows[0]);
  const cell = (
    v: unknown,
  ) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
  return [
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(" | ")} |`),
  ].join("\n");
}

/** Print `rows` under `title` as the command line asks. */
export function output(title: string, rows: Row[]): void {
  if (Deno.args.includes("--json")) console.log(JSON.stringify({ bench: title, rows }));
  else console.log(`## ${title}\n\n${markdown(rows)}\n`);
}
