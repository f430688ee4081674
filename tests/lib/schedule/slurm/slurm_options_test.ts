import { deepEqual, equal, throws } from "node:assert/strict";
import { parseSlurmOptions, resourcesFor } from "../../../../lib/schedule/slurm_options.ts";

Deno.test("parseSlurmOptions applies defaults: signal 120 s, 3 retries, probe on, no resources", () => {
  deepEqual(parseSlurmOptions({}), {
    defaults: { sbatch: [] },
    steps: [],
    signalSeconds: 120,
    retries: 3,
    probe: true,
  });
});

Deno.test("parseSlurmOptions rejects a bad time limit, naming the option and the value", () => {
  throws(
    () => parseSlurmOptions({ "slurm-time": "2h" }),
    /--slurm-time must be minutes, MM:SS, HH:MM:SS or D-HH\[:MM\[:SS\]\]: got "2h"/,
  );
  for (const ok of ["90", "30:00", "4:00:00", "1-12", "2-00:30:00"]) {
    equal(parseSlurmOptions({ "slurm-time": ok }).defaults.time, ok);
  }
});

Deno.test("parseSlurmOptions rejects CPUs that are not a positive integer and multi-line sbatch options", () => {
  throws(
    () => parseSlurmOptions({ "slurm-cpus": "0" }),
    /--slurm-cpus must be a positive integer: got "0"/,
  );
  throws(
    () => parseSlurmOptions({ "slurm-sbatch": ["--qos=high\nrm -rf /"] }),
    /--slurm-sbatch must be one sbatch option starting with - on a single line/,
  );
  throws(
    () => parseSlurmOptions({ "slurm-retries": "-1" }),
    /--slurm-retries must be an integer from 0 to 100: got "-1"/,
  );
});

Deno.test("--slurm-step splits fields on commas that start a field, so option values keep theirs", () => {
  const o = parseSlurmOptions({
    "slurm-step": ["teacher:time=8:00:00,sbatch=--constraint=a100,v100,gpus=a100:1"],
  });
  deepEqual(o.steps, [{
    pattern: "teacher",
    resources: { time: "8:00:00", sbatch: ["--constraint=a100,v100"], gpus: "a100:1" },
  }]);
  throws(
    () => parseSlurmOptions({ "slurm-step": ["teacher:walltime=1"] }),
    /--slurm-step must be STEP:FIELD=VALUE with FIELD one of partition, account, time, cpus, mem, gpus, sbatch: got "teacher:walltime=1"/,
  );
});

Deno.test("resourcesFor layers matching overrides over the defaults: names, base names of seeds, globs", () => {
  const o = parseSlurmOptions({
    "slurm-time": "60",
    "slurm-mem": "8G",
    "slurm-sbatch": ["--qos=normal"],
    "slurm-step": ["teacher:time=240", "gen*:gpus=1,sbatch=--qos=high", "gen2:mem=16G"],
  });
  deepEqual(resourcesFor(o, "teacher#2"), { time: "240", mem: "8G", sbatch: ["--qos=normal"] });
  deepEqual(resourcesFor(o, "gen2"), {
    time: "60",
    mem: "16G",
    gpus: "1",
    sbatch: ["--qos=normal", "--qos=high"],
  });
  deepEqual(resourcesFor(o, "bane"), { time: "60", mem: "8G", sbatch: ["--qos=normal"] });
  // A sweep's versions of a step match as that step.
  deepEqual(resourcesFor(o, "teacher[lr=0.1]#2").time, "240");
  deepEqual(resourcesFor(o, "gen2[temperature=2]").mem, "16G");
  deepEqual(resourcesFor(o, "gen2[temperature=2]").gpus, "1");
  // The defaults are not changed by a lookup.
  deepEqual(o.defaults.sbatch, ["--qos=normal"]);
});
