import { deepEqual, equal } from "node:assert/strict";
import {
  formatDuration,
  type JobContext,
  type JobInfo,
  judgeJob,
  parseDuration,
  timeLimitSeconds,
} from "../../../../lib/schedule/slurm_state.ts";

Deno.test("parseDuration reads Slurm's durations and leaves UNLIMITED undefined", () => {
  deepEqual(
    ["27", "1:00", "01:02:03", "1-02:03:04", "2-05", "UNLIMITED", ""].map(parseDuration),
    [27, 60, 3723, 93784, 190800, undefined, undefined],
  );
  equal(timeLimitSeconds("1"), 60, "a bare --time is minutes");
  equal(formatDuration(27), "0:27");
  equal(formatDuration(3723), "1:02:03");
});

const job = (over: Partial<JobInfo>): JobInfo => ({
  id: "7",
  state: "FAILED",
  reason: "NonZeroExitCode",
  runSeconds: 20,
  limitSeconds: 60,
  nodes: "n1",
  ...over,
});
const ctx = (over: Partial<JobContext> = {}): JobContext => ({
  committed: false,
  cancelledByUs: false,
  signalSeconds: 50,
  ...over,
});
const interrupted = {
  reason: "interrupted",
  message: "Stopped at epoch 3, batch 2; checkpoint saved",
};

Deno.test("judgeJob: a committed step succeeded whatever the state says", () => {
  equal(judgeJob(job({ state: "TIMEOUT" }), ctx({ committed: true })).kind, "success");
});

Deno.test("judgeJob: time limit, preemption and node failure are resubmitted, each named", () => {
  deepEqual(judgeJob(job({ state: "TIMEOUT", runSeconds: 60 }), ctx()), {
    kind: "retry",
    reason: "timeout",
    message: "Slurm job 7 hit its time limit 1:00",
  });
  equal((judgeJob(job({ state: "PREEMPTED" }), ctx()) as { reason: string }).reason, "preempted");
  equal((judgeJob(job({ state: "NODE_FAIL" }), ctx()) as { reason: string }).reason, "node-fail");
});

Deno.test("judgeJob: a worker that checkpointed on SIGTERM is a time-limit stop near the limit, else preemption", () => {
  // Warning due at 60 - 50 = 10 s; slurmctld checks every 30 s, so it arrives from 10 s on.
  deepEqual(judgeJob(job({ runSeconds: 12, exitCode: 130 }), ctx({ workerError: interrupted })), {
    kind: "retry",
    reason: "timeout",
    message: "Slurm job 7 checkpointed on the time-limit warning after 0:12 of 1:00",
  });
  const early = judgeJob(job({ runSeconds: 2, exitCode: 130 }), ctx({ workerError: interrupted }));
  equal(early.kind === "retry" && early.reason, "preempted");
  // Killed by the signal before it could set up its handler: no event, signal 15.
  equal(judgeJob(job({ runSeconds: 11, exitCode: 0, signal: 15 }), ctx()).kind, "retry");
});

Deno.test("judgeJob: our own cancel is an interruption; somebody else's scancel is a failure", () => {
  deepEqual(
    judgeJob(job({ state: "CANCELLED" }), ctx({ cancelledByUs: true, workerError: interrupted })),
    {
      kind: "interrupted",
      message: interrupted.message,
    },
  );
  const other = judgeJob(job({ state: "CANCELLED" }), ctx());
  equal(other.kind === "failed" && other.reason, "cancelled");
});

Deno.test("judgeJob: a failing worker keeps its reason and gains the job, node and exit code", () => {
  deepEqual(
    judgeJob(
      job({ exitCode: 1 }),
      ctx({ workerError: { reason: "nan-loss", message: "Loss became NaN" } }),
    ),
    {
      kind: "failed",
      reason: "nan-loss",
      message: "Loss became NaN (Slurm job 7 on n1, exit code 1)",
    },
  );
  deepEqual(judgeJob(job({ exitCode: 137 }), ctx()), {
    kind: "failed",
    reason: "step-failed",
    message: "Slurm job 7 FAILED on n1 with exit code 137 and no result",
  });
  equal(judgeJob(job({ state: "COMPLETED", exitCode: 0 }), ctx()).kind, "failed");
});
