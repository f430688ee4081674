import { equal, match, ok } from "node:assert/strict";
import { renderHtml } from "../../../lib/report/render_html.ts";
import { renderMarkdown } from "../../../lib/report/render_markdown.ts";
import { resultsTable } from "../../../lib/report/results_table.ts";
import { reportFixture } from "./fixture.ts";

Deno.test("renderMarkdown has the results table, the missing steps and provenance", () => {
  const data = reportFixture();
  const md = renderMarkdown(data, resultsTable(data));
  match(md, /^# fixture: results/);
  match(
    md,
    /\| step \| model \| loss \| from \| params \| test error % \| Δ vs teacher \| seeds \|/,
  );
  match(
    md,
    /\| teacher \| mlp\(hidden=8\) \| crossEntropy \| {2}\| 1\.0k \| 21\.00 ± 1\.41 \| \(teacher\) \| 2 \|/,
  );
  match(md, /\| gen2 \| .* \| 17\.00 \| -3\.00 \| 1 of 2 \|/);
  match(
    md,
    /## Missing \(2 of 8 steps\)\n\n- gen2#2: not in the cache\n- bane#2: not in the cache/,
  );
  match(md, /## Provenance/);
  match(
    md,
    /\| teacher#2 \| teacherx2000 \| cached \| cpu \| 1 \| tfjs-core 4\.22\.0, deno 2 \| h \| 3\.0s \|/,
  );
});

Deno.test("renderMarkdown escapes pipes in cells", () => {
  const data = reportFixture();
  data.steps[0].model = "odd|name";
  match(renderMarkdown(data, resultsTable(data)), /odd\\\|name/);
});

Deno.test("renderHtml is self-contained and escapes names", () => {
  const data = reportFixture();
  data.pipeline = `<b>&"x"`;
  const html = renderHtml(data, resultsTable(data));
  ok(html.includes("&lt;b&gt;&amp;&quot;x&quot;") && !html.includes("<b>&"));
  // The only URL is the SVG namespace: nothing is fetched.
  const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  ok(urls.every((u) => u === "http://www.w3.org/2000/svg"), urls.join(" "));
  ok(!/\s(src|href)=/.test(html));
  ok(!html.includes("<script"));
  // Train loss per loss (the teacher's cross-entropy, the students' KD loss), test loss, error.
  equal((html.match(/<svg /g) ?? []).length, 4);
  equal((html.match(/<tr class="teacher">/g) ?? []).length, 1);
  match(html, /<li>gen2#2: not in the cache<\/li>/);
});
