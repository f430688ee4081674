/** A hand-made report: teacher, gen1 (2 seeds), gen2 (one seed missing), an ensemble. @module */
import type { ReportData, ReportStep } from "../../../lib/report/collect_report.ts";

function history(errors: number[]): ReportStep["history"] {
  return errors.map((e, i) => ({
    epoch: i + 1,
    lr: 0.1,
    trainLoss: 2 - i * 0.5,
    testLoss: 1.5 - i * 0.2,
    testError: e,
    seconds: i + 1,
  }));
}

function train(
  baseName: string,
  replicate: number,
  errors: number[] | undefined,
  teacher?: string,
): ReportStep {
  const name = replicate === 1 ? baseName : `${baseName}#${replicate}`;
  const done = errors !== undefined;
  return {
    name,
    baseName,
    replicate,
    kind: "train",
    domain: "image",
    key: `${name.replace("#", "x")}`.padEnd(64, "0"),
    seed: replicate,
    status: done ? "done" : "missing",
    model: "mlp(hidden=8)",
    loss: teacher ? "kd(temperature=1)" : "crossEntropy",
    dataset: "syntheticImages(classes=3)",
    ...(teacher ? { teacher: [teacher] } : {}),
    ...(done
      ? {
        result: {
          parameters: 1000,
          epochs: errors.length,
          seconds: 2,
          testLoss: 1,
          testError: errors[errors.length - 1],
        },
        provenance: {
          executor: "cpu",
          backend: "cpu",
          threads: 1,
          versions: { "tfjs-core": "4.22.0", deno: "2" },
          host: "h",
          seconds: 3,
        },
        history: history(errors),
        createdAt: "2026-01-01T00:00:00.000Z",
      }
      : {}),
  };
}

/** Error rates chosen so means, sds and paired deltas are easy to check by hand. */
export function reportFixture(): ReportData {
  return {
    pipeline: "fixture",
    file: "tests/fixture.ts",
    params: { seeds: 2, epochs: 3 },
    generatedAt: "2026-01-01T00:00:00.000Z",
    steps: [
      train("teacher", 1, [30, 25, 20]),
      train("gen1", 1, [28, 22, 18], "teacher"),
      train("gen2", 1, [27, 21, 17], "gen1"),
      {
        name: "bane",
        baseName: "bane",
        replicate: 1,
        kind: "ensemble",
        domain: "image",
        key: "b".repeat(64),
        seed: 1,
        status: "done",
        dataset: "syntheticImages(classes=3)",
        members: ["gen1", "gen2"],
        result: { members: 2, parameters: 2000, seconds: 0.5, testLoss: 0.8, testError: 15 },
        provenance: { executor: "cpu", seconds: 1 },
      },
      train("teacher", 2, [32, 26, 22]),
      train("gen1", 2, [29, 23, 19], "teacher"),
      train("gen2", 2, undefined, "gen1"),
      {
        name: "bane#2",
        baseName: "bane",
        replicate: 2,
        kind: "ensemble",
        domain: "image",
        key: "c".repeat(64),
        seed: 2,
        status: "missing",
        dataset: "syntheticImages(classes=3)",
        members: ["gen1", "gen2"],
      },
    ],
  };
}
