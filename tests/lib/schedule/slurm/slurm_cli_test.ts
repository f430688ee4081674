import { deepEqual, equal } from "node:assert/strict";
import { parseSbatch, parseScontrolJob, parseSqueue } from "../../../../lib/schedule/slurm_cli.ts";

Deno.test("parseSbatch takes the id from --parsable output, with or without a cluster name", () => {
  equal(parseSbatch("1234\n"), "1234");
  equal(parseSbatch("1234;gpu-cluster\n"), "1234");
  equal(parseSbatch("sbatch: error: Batch job submission failed"), undefined);
});

Deno.test("parseSqueue reads states, times and comments (comments may hold the separator)", () => {
  const jobs = parseSqueue(
    "12|RUNNING|None|1:05|1:00:00|node3|born-again:abc\n13|PENDING|Resources|0:00|UNLIMITED||x|y\n",
  );
  deepEqual(jobs.get("12"), {
    id: "12",
    state: "RUNNING",
    reason: "None",
    runSeconds: 65,
    limitSeconds: 3600,
    nodes: "node3",
    comment: "born-again:abc",
  });
  deepEqual(
    [jobs.get("13")?.limitSeconds, jobs.get("13")?.nodes, jobs.get("13")?.comment],
    [undefined, undefined, "x|y"],
  );
});

Deno.test("parseScontrolJob reads the exit code and signal of an ended job", () => {
  const line = "JobId=53 JobName=ba-long-student UserId=root(0) JobState=FAILED " +
    "Reason=NonZeroExitCode Dependency=(null) Requeue=0 ExitCode=130:0 RunTime=00:00:09 " +
    "TimeLimit=00:01:00 TimeMin=N/A NodeList=vm BatchHost=vm Comment=born-again:94fe  StdErr=/x";
  deepEqual(parseScontrolJob(line), {
    id: "53",
    state: "FAILED",
    reason: "NonZeroExitCode",
    runSeconds: 9,
    limitSeconds: 60,
    nodes: "vm",
    comment: "born-again:94fe",
    exitCode: 130,
    signal: 0,
  });
  equal(parseScontrolJob("slurm_load_jobs error: Invalid job id specified"), undefined);
});
