/**
 * Renders report.html in headless Chromium (Debian package `chromium`) and checks the DOM it
 * built. Skipped, with the reason in the test name, where no Chromium is installed.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { renderHtml } from "../../../lib/report/render_html.ts";
import { resultsTable } from "../../../lib/report/results_table.ts";
import { toFileUrl } from "../../../lib/util/path.ts";
import { reportFixture } from "./fixture.ts";

async function findChromium(): Promise<string | undefined> {
  const names = [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"];
  for (const name of names) {
    if (!name) continue;
    try {
      const out = await new Deno.Command(name, { args: ["--version"], stderr: "null" }).output();
      if (out.success) return name;
    } catch { /* not installed */ }
  }
  return undefined;
}

const chromium = await findChromium();

async function headless(args: string[]): Promise<string> {
  const out = await new Deno.Command(chromium!, {
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", ...args],
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`chromium failed: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

Deno.test({
  name: "report.html renders in headless Chromium with the results table and one chart per metric" +
    (chromium ? "" : " (SKIPPED: no chromium on PATH; apt-get install chromium)"),
  ignore: !chromium,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "born-again-html-" });
    const data = reportFixture();
    const file = join(dir, "report.html");
    await Deno.writeTextFile(file, renderHtml(data, resultsTable(data)));
    const url = toFileUrl(file).href;

    const dom = await headless(["--dump-dom", url]);
    const results = dom.match(/<table class="results">[\s\S]*?<\/table>/)?.[0] ?? "";
    ok(results, "the results table is in the rendered DOM");
    const rows = [...results.matchAll(/<tr[^>]*>\s*<td[^>]*>(?:<span[^>]*><\/span>)?([^<]+)</g)]
      .map((m) => m[1]);
    deepEqual(rows, ["teacher", "gen1", "gen2", "bane"]);
    ok(results.includes("21.00 ± 1.41"));
    const charts = [...dom.matchAll(/<svg[^>]*class="chart"[^>]*>\s*<title[^>]*>([^<]+)<\/title>/g)]
      .map((m) => m[1]);
    deepEqual(charts, [
      "Train loss: cross-entropy",
      "Train loss: KD loss",
      "Test loss",
      "Test error (%)",
    ]);
    // The train step's lines: 1 + 2 in the train-loss charts, 3 in each of the others.
    equal((dom.match(/<path /g) ?? []).length, 3 * 3, "one line per train step in each metric");
    ok(dom.includes('id="provenance"'));

    const png = join(dir, "report.png");
    await headless(["--hide-scrollbars", "--window-size=1280,1600", `--screenshot=${png}`, url]);
    const bytes = await Deno.readFile(png);
    deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG screenshot");
    ok(bytes.length > 20_000, `screenshot is ${bytes.length} bytes: the page looks empty`);
    await Deno.remove(dir, { recursive: true });
  },
});

/** The ban-resnet pipeline's plan (two seeds), every step given made-up results and curves. */
async function resnetReport() {
  const { loadPipeline } = await import("../../../lib/cli/load_pipeline.ts");
  const { makePlan } = await import("../../../lib/plan/plan.ts");
  const { collectReport } = await import("../../../lib/report/collect_report.ts");
  const { LocalStore } = await import("../../../lib/store/local_store.ts");
  const { ROOT } = await import("../../helpers/cli.ts");
  const root = await Deno.makeTempDir({ prefix: "born-again-resnet-report-" });
  const store = new LocalStore(root);
  await store.init();
  const graph = await loadPipeline(join(ROOT, "pipelines/ban-resnet.ts"), { seeds: 2 });
  const plan = await makePlan(graph, store, { data: { dataDir: root, verify: false } });
  const data = await collectReport(plan, store);
  await Deno.remove(root, { recursive: true });
  for (const [i, s] of data.steps.entries()) {
    const error = 30 - (i % 6) + s.replicate;
    s.status = "done";
    s.result = {
      testError: error,
      testLoss: 1.2,
      parameters: 858_868 * (s.kind === "train" ? 1 : 2),
    };
    s.provenance = {
      executor: "onednn",
      threads: 16,
      host: "node-1",
      seconds: 3600,
      cpu: "AMD EPYC",
    };
    if (s.kind === "train") {
      s.history = Array.from({ length: 30 }, (_, e) => ({
        epoch: e + 1,
        trainLoss: 4 / (e + 1),
        testLoss: 3 / (e + 1) + 1,
        testError: error + 40 / (e + 1),
      }));
    }
  }
  return data;
}

Deno.test({
  name: "the ban-resnet report fits 1280 px in Chromium: short model names, no column off-screen" +
    (chromium ? "" : " (SKIPPED: no chromium on PATH; apt-get install chromium)"),
  ignore: !chromium,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "born-again-html-" });
    const data = await resnetReport();
    const html = renderHtml(data, resultsTable(data));
    ok(html.includes(">ResNet-56</td>"), "the table names the model ResNet-56");
    // Measure the results table in the page: a copy without the page's no-script policy, with a
    // script recording how much wider than its box the table is (0: nothing scrolls sideways).
    const overflow = async (page: string) => {
      const measured = page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "").replace(
        "</body>",
        `<script>const s = document.querySelector("#results .scroll");
document.body.dataset.overflow = String(s.scrollWidth - s.clientWidth);</script></body>`,
      );
      const file = join(dir, "probe.html");
      await Deno.writeTextFile(file, measured);
      const dom = await headless(["--window-size=1280,900", "--dump-dom", toFileUrl(file).href]);
      return Number(dom.match(/data-overflow="(-?\d+)"/)?.[1]);
    };
    equal(await overflow(html), 0, "the results table scrolls sideways");
    // The measure works: with the full descriptors in the model column the table overflows.
    for (const s of data.steps) delete s.modelName;
    ok(await overflow(renderHtml(data, resultsTable(data))) > 0);
    await Deno.remove(dir, { recursive: true });
  },
});
