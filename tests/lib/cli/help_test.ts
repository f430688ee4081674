import { equal, match, ok } from "node:assert/strict";
import { COMMANDS } from "../../../lib/cli/command_table.ts";
import { commandHelp, generalHelp, paramsHelp } from "../../../lib/cli/help.ts";
import { OPTIONS, optionsOf } from "../../../lib/cli/option_table.ts";
import { pipeline } from "../../../lib/dsl/pipeline.ts";

/** A pipeline declaring params of each type, with and without a description. */
const demo = pipeline("demo", ({ param }) => {
  param("epochs", 3, "epochs per generation");
  param("arch", "90-60", "DenseNet depth-growth");
  param("augment", true);
});

/** The row of `name` in a rendered params table, split into its cells. */
function row(text: string, name: string): string[] {
  const line = text.split("\n").find((l) => l.trimStart().startsWith(`${name} `));
  ok(line, `no row for ${name} in\n${text}`);
  return line.trim().split(/\s{2,}/);
}

Deno.test("the params table gives each declared param's type, default and description", () => {
  const text = paramsHelp(demo.declare({}, "pipelines/demo.ts"));
  match(text, /^params of pipeline "demo" \(--set name=value or --params FILE\):/);
  equal(row(text, "epochs").join("|"), "epochs|number|3|epochs per generation");
  equal(row(text, "arch").join("|"), "arch|string|90-60|DenseNet depth-growth");
  equal(row(text, "augment").join("|"), "augment|boolean|true");
  // The built-in param is listed too.
  match(row(text, "seeds")[3], /seed replicates/);
  // No value column when every param has its default.
  match(text.split("\n")[1], /^\s+param\s+type\s+default\s+description$/);
});

Deno.test("params set on the command line show their value beside the default", () => {
  const text = paramsHelp(demo.declare({ epochs: "5" }, "pipelines/demo.ts"));
  equal(row(text, "epochs").join("|"), "epochs|number|3|5|epochs per generation");
  match(text.split("\n")[1], /param\s+type\s+default\s+value\s+description/);
});

Deno.test("each command's help lists exactly the options it takes", () => {
  for (const command of Object.keys(COMMANDS)) {
    const text = commandHelp(command);
    match(text, new RegExp(`^usage: deno task ${command} `));
    for (const [name, o] of Object.entries(OPTIONS)) {
      if (!o.help) continue;
      equal(
        new RegExp(`^  --${name}\\b`, "m").test(text),
        optionsOf(command).includes(name),
        `${command} --help and --${name}`,
      );
    }
  }
  match(commandHelp("run"), /--slurm-partition/);
  equal(commandHelp("cache").includes("--slurm"), false);
});

Deno.test("a pipeline command's help lists the pipeline's params, or says how to see them", () => {
  const named = commandHelp("plan", demo.declare({}, "pipelines/demo.ts"));
  match(named, /^usage: deno task plan pipelines\/demo\.ts \[options\]/);
  match(named, /^\s+epochs\s+number\s+3\s+epochs per generation$/m);
  match(commandHelp("run"), /params: name a pipeline to list them/);
  equal(commandHelp("cache").includes("params"), false);
});

Deno.test("the general help lists every command", () => {
  const text = generalHelp();
  for (const [name, c] of Object.entries(COMMANDS)) {
    const line = text.split("\n").find((l) => l.startsWith(`  ${name} `));
    equal(line?.endsWith(`  ${c.summary}`), true, `${name} in\n${text}`);
  }
});
