import { equal, match, throws } from "node:assert/strict";
import { jobScript, type JobScriptOptions } from "../../../../lib/schedule/slurm_script.ts";
import { shellQuote } from "../../../../lib/util/run_origin.ts";

const base: JobScriptOptions = {
  name: "ba-smoke-gen1",
  comment: "born-again:abc",
  chdir: "/home/u/born-again",
  output: "/shared/cache/work/abc/events-%j.jsonl",
  error: "/shared/cache/work/abc/worker.log",
  resources: {
    partition: "gpu",
    time: "4:00:00",
    cpus: 4,
    mem: "16G",
    gpus: "1",
    sbatch: ["--qos=high"],
  },
  signalSeconds: 120,
  command: ["/opt/deno", "run", "main.ts", "--key", "abc"],
  env: { NO_COLOR: "1" },
};

Deno.test("jobScript puts every option in #SBATCH lines before the worker's exec", () => {
  const s = jobScript(base);
  const lines = s.trimEnd().split("\n");
  equal(lines[0], "#!/bin/bash");
  for (
    const want of [
      "--partition=gpu",
      "--time=4:00:00",
      "--cpus-per-task=4",
      "--mem=16G",
      "--gpus=1",
      "--signal=B:TERM@120",
      "--open-mode=append",
      "--no-requeue",
      "--qos=high",
    ]
  ) match(s, new RegExp(`^#SBATCH ${want.replace(/[+.]/g, "\\$&")}$`, "m"));
  equal(lines.at(-1), "exec /opt/deno run main.ts --key abc");
  // sbatch stops reading options at the first command: all of them come before it.
  const firstCommand = lines.findIndex((l) => !l.startsWith("#"));
  equal(lines.slice(firstCommand).some((l) => l.startsWith("#SBATCH")), false);
});

Deno.test("jobScript quotes paths with spaces and refuses values it cannot quote", () => {
  const s = jobScript({ ...base, chdir: "/home/u/my project", command: ["/opt/deno", "it's"] });
  match(s, /^#SBATCH --chdir="\/home\/u\/my project"$/m);
  match(s, /^exec \/opt\/deno 'it'\\''s'$/m);
  throws(() => jobScript({ ...base, chdir: '/a"b' }), /Cannot put "\/a\\"b" in an #SBATCH line/);
  equal(shellQuote("--cache-dir"), "--cache-dir");
});

Deno.test("jobScript leaves out the warning signal when asked for none", () => {
  equal(jobScript({ ...base, signalSeconds: 0 }).includes("--signal"), false);
});
