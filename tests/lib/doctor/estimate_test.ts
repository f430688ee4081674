/**
 * Time estimates from the doctor's measured rate: a step's images × epochs scaled by model size
 * and image area, the line `plan` prints, and `run` printing its executor, the estimate before
 * training and the estimate next to the real time at the end.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aboutDuration,
  estimateSeconds,
  planEstimate,
  trainImages,
} from "../../../lib/doctor/estimate.ts";
import { onPath } from "../../../lib/doctor/fixes.ts";
import { DOCTOR_FILE_ENV } from "../../../lib/doctor/rates_file.ts";
import type { DoctorReport } from "../../../lib/doctor/report.ts";
import type { ValidStep } from "../../../lib/spec/step.ts";
import { runCli } from "../../helpers/cli.ts";

/** A train step as validation leaves it, with only what estimates read. */
function imageStep(dataset: string, params: Record<string, number>, epochs: number): ValidStep {
  return {
    kind: "train",
    domain: "image",
    dataset: { name: dataset, params },
    recipe: { epochs },
  } as unknown as ValidStep;
}

const RATE = { imagesPerSecond: 250, batch: 64, steps: 20, seconds: 5, parameters: 80_000 };

function report(auto: string): DoctorReport {
  return {
    host: "h",
    checkedAt: "2026-02-03T00:00:00.000Z",
    deno: "2",
    auto,
    executors: [
      {
        requested: "onednn",
        name: "onednn",
        available: true,
        threads: 2,
        rate: RATE,
        startupSeconds: 1.5,
      },
      { requested: "wasm", name: "wasm", available: true, threads: 2, rate: { ...RATE } },
    ],
  };
}

Deno.test("estimate: images × epochs, scaled by parameters and image area, over the rate", () => {
  assert.deepEqual(trainImages({ name: "cifar100", params: {} } as never), {
    images: 50_000,
    side: 32,
  });
  assert.equal(
    trainImages({ name: "cifar10", params: { validation: 5000 } } as never)!.images,
    45_000,
  );
  const cifar = imageStep("cifar10", { train: 5000 }, 15);
  const params = 3 * RATE.parameters;
  assert.equal(estimateSeconds(cifar, params, RATE), (5000 * 15 * 3) / RATE.imagesPerSecond);
  // A worker's start-up is paid once per step.
  assert.equal(
    estimateSeconds(cifar, params, { ...RATE, startupSeconds: 2 }),
    2 + (5000 * 15 * 3) / RATE.imagesPerSecond,
  );
  const small = imageStep("syntheticImages", { train: 1024, size: 8 }, 3);
  assert.equal(
    estimateSeconds(small, RATE.parameters, RATE),
    (1024 * 3 * (8 * 8) / (32 * 32)) / RATE.imagesPerSecond,
  );
  const text = { ...cifar, domain: "text" } as ValidStep;
  assert.equal(estimateSeconds(text, params, RATE), undefined);
  assert.equal(aboutDuration(2 * 86_400 + 600), "about 2 days");
  assert.equal(aboutDuration(40 * 60), "about 40 min");
  assert.equal(aboutDuration(3 * 3600), "about 3 hours");
});

Deno.test("estimate: plan's line names the executor, its threads and the measurement", () => {
  const items = [
    { step: imageStep("cifar100", {}, 200), status: "run" },
    { step: imageStep("cifar100", {}, 200), status: "cached" },
    { step: { kind: "ensemble" } as ValidStep, status: "run" },
  ];
  const params = [RATE.parameters * 10, RATE.parameters * 10, undefined];
  const none = planEstimate(items, params, "auto", undefined);
  assert.match(none.line, /no estimate yet \(deno task doctor measures/);
  const t = planEstimate(items, params, "auto", report("onednn"));
  const seconds = 1.5 + (50_000 * 200 * 10) / RATE.imagesPerSecond;
  assert.deepEqual(t.perStep, [seconds, undefined, undefined]);
  assert.equal(t.summary, `${aboutDuration(seconds)} on onednn with 2 threads for 1 of 2 steps`);
  assert.match(t.line, /ResNet-8 trains at 250 images\/s here \(deno task doctor, 2026-02-03\)/);
  // An executor the doctor never measured gets no estimate.
  assert.equal(planEstimate(items, params, "cpu", report("onednn")).totalSeconds, undefined);
});

Deno.test("run: says its executor and estimate before training and compares at the end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const doctorFile = join(dir, "doctor.json");
    await Deno.writeTextFile(doctorFile, JSON.stringify(report("onednn")));
    const r = await runCli(
      ["run", "pipelines/smoke.ts", "--set", "epochs=1", "--cache-dir", join(dir, "cache")],
      // No oneDNN: auto falls back to wasm, and the estimate must follow it.
      { BORN_AGAIN_DNNL_LIB: join(dir, "libdnnl.so.2"), [DOCTOR_FILE_ENV]: doctorFile },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^executor auto: wasm \(\d+ threads?, tfjs-backend-wasm 4\.22\.0\); skipped gpu: /m,
    );
    assert.match(r.stderr, /onednn: no usable oneDNN 2\.x library/);
    if (onPath("apt-get")) {
      assert.match(
        r.stderr,
        /^onednn is one package away and trains about 1\.0x as fast as wasm here \(measured by deno task doctor\): (sudo )?apt-get install -y libdnnl2$/m,
      );
    }
    assert.match(r.stderr, /^time: about \d+ (s|min) on wasm with 2 threads for 4 of 5 steps/m);
    assert.match(
      r.stdout,
      /smoke: finished in [\d.]+s \(estimated about \d+ (s|min) on wasm with 2 threads for 4 of 5 steps\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
