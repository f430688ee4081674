import { equal, match } from "node:assert/strict";
import { table } from "../../../lib/progress/format.ts";
import { resultsText } from "../../../lib/report/text_table.ts";
import { shortModel } from "../../../lib/report/model_names.ts";
import { resultsTable } from "../../../lib/report/results_table.ts";
import type { ReportData, ReportStep } from "../../../lib/report/collect_report.ts";

Deno.test("table pads every column to its widest cell, numbers to the right", () => {
  const text = table(["step", "err"], [["teacher", "6.50 ± 0.10"], ["g1", "7.00"]], [1]);
  equal(
    text,
    [
      "step             err",
      "-------  -----------",
      "teacher  6.50 ± 0.10",
      "g1              7.00",
    ].join("\n"),
  );
});

Deno.test("shortModel gives conventional names, and the descriptor's name for unknown models", () => {
  const d = (name: string, params: Record<string, unknown>) =>
    ({ kind: "model", name, module: "m", params }) as unknown as Parameters<typeof shortModel>[0];
  equal(shortModel(d("resnet", { depth: 56, preact: false, channels: [16, 32, 64] })), "ResNet-56");
  equal(shortModel(d("resnet", { depth: 110, preact: true })), "PreAct-ResNet-110");
  equal(shortModel(d("wrn", { depth: 28, widen: 10, dropout: 0.3 })), "WRN-28-10");
  equal(
    shortModel(d("densenet", { depth: 100, bottleneck: true, compression: 0.5 })),
    "DenseNet-BC-100",
  );
  equal(shortModel(d("densenet", { depth: 40, bottleneck: false, compression: 1 })), "DenseNet-40");
  equal(shortModel(d("lstm", { preset: "large" })), "LSTM-large");
  equal(shortModel(d("mystery", { a: 1 })), "mystery");
  equal(shortModel(undefined), undefined);
});

Deno.test("the terminal table shows short model names, mean ± sd, and the full descriptors below", () => {
  const full = "resnet(depth=56, preact=false, shortcut=A, channels=[16,32,64], stemChannels=0)";
  const step = (name: string, replicate: number, testError: number): ReportStep => ({
    name: replicate === 1 ? name : `${name}#${replicate}`,
    baseName: name,
    replicate,
    kind: "train",
    domain: "image",
    key: `${name}${replicate}`.padEnd(64, "0"),
    seed: replicate,
    status: "done",
    model: full,
    modelName: "ResNet-56",
    loss: "crossEntropy",
    dataset: "cifar100()",
    result: { testError, parameters: 858_868 },
  });
  const data: ReportData = {
    pipeline: "p",
    file: "p.ts",
    params: {},
    generatedAt: "2026-01-01T00:00:00Z",
    steps: [step("teacher", 1, 30), step("teacher", 2, 32)],
  };
  const text = resultsText(resultsTable(data));
  match(text, /^teacher +ResNet-56 +crossEntropy +858\.9k +31\.00 ± 1\.41 +\(teacher\) +2$/m);
  equal(text.split("\n")[0].includes(full), false);
  match(text, new RegExp(`Models: ResNet-56 = ${full.replace(/[()[\]]/g, "\\$&")}\\.`));
});
