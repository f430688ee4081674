/**
 * `deno task bench [--json] [names…]`: runs every benchmark script in this folder (or the named
 * ones) one after another, so their numbers are not disturbed by each other. `--help` lists them.
 *
 * @module
 */
import { parseStrictArgs } from "../lib/cli/args.ts";
import { fromFileUrl } from "../lib/util/path.ts";
import { closest } from "../lib/util/suggest.ts";

const USAGE = "usage: deno task bench [--json] [names…]";

const OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const dir = fromFileUrl(new URL(".", import.meta.url));

/** The benchmark names: the scripts of this folder without `.ts`. */
function benchmarks(): string[] {
  return [...Deno.readDirSync(dir)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && !["main.ts", "table.ts"].includes(n))
    .map((n) => n.replace(/\.ts$/, ""))
    .sort();
}

/** The first sentence of a script's doc comment, for the list in help. */
function summary(name: string): string {
  const text = Deno.readTextFileSync(`${dir}/${name}.ts`);
  const doc = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? "";
  const prose = doc.split("\n").map((l) => l.replace(/^\s*\* ?/, "").trim());
  const paragraph = prose.slice(0, Math.max(1, prose.indexOf("", 1))).join(" ").trim();
  const sentence = paragraph.split(/(?<=\.)\s/)[0];
  // Cut long ones at a word boundary.
  return sentence.length > 76 ? `${sentence.slice(0, 76).replace(/[\s,;:(]+\S*$/, "")}…` : sentence;
}

function help(): string {
  const names = benchmarks();
  const width = Math.max(...names.map((n) => n.length));
  return [
    USAGE,
    "",
    "Run the benchmarks one after another (all of them, or those named) and print each as a",
    "Markdown table, or as JSON lines with --json.",
    "",
    "benchmarks:",
    ...names.map((n) => `  ${n.padEnd(width)}  ${summary(n)}`),
  ].join("\n");
}

/** Run the command with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const parsed = parseStrictArgs(args, OPTIONS, USAGE);
  if (typeof parsed === "number") return parsed;
  const { values, positionals: wanted } = parsed;
  if (values.help) {
    console.log(help());
    return 0;
  }
  const all = benchmarks();
  const unknown = wanted.find((w) => !all.includes(w.replace(/\.ts$/, "")));
  if (unknown !== undefined) {
    const guess = closest(unknown, all);
    console.error(
      `error: unknown benchmark "${unknown}"${guess ? `: did you mean ${guess}?` : ""}\n` +
        `available are ${all.join(", ")}`,
    );
    return 2;
  }
  const names = wanted.length
    ? all.filter((n) => wanted.some((w) => w.replace(/\.ts$/, "") === n))
    : all;
  let failed = 0;
  for (const name of names) {
    if (!values.json) console.log(`# bench/${name}.ts`);
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", `${dir}/${name}.ts`, ...(values.json ? ["--json"] : [])],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!r.success) failed++;
  }
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
