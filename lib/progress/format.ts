/** Small formatting helpers for progress lines and tables. @module */

/** 75 → "1m15s", 3700 → "1h01m". */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** 272474 → "0.27M", 5000 → "5.0k". */
export function formatCount(n: unknown): string {
  if (typeof n !== "number") return "";
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** The headline metric of a result: "12.34% err" or "81.2 ppl". */
export function formatMetric(result: Record<string, unknown> | undefined): string {
  if (!result) return "";
  if (typeof result.testError === "number") return `${result.testError.toFixed(2)}% err`;
  if (typeof result.testPerplexity === "number") return `${result.testPerplexity.toFixed(2)} ppl`;
  return "";
}

/**
 * A plain-text table: columns padded to their widest cell, two spaces apart, a rule under the
 * header; columns in `right` right-aligned.
 */
export function table(header: string[], rows: string[][], right: number[] = []): string {
  // Length in code points, so a character outside the BMP counts as one column.
  const len = (s: string) => [...s].length;
  const widths = header.map((h, i) => Math.max(len(h), ...rows.map((r) => len(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells.map((c = "", i) => {
      const pad = " ".repeat(Math.max(0, widths[i] - len(c)));
      return right.includes(i) ? pad + c : c + pad;
    }).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
