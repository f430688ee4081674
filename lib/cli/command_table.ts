/**
 * The born-again commands: what each does (for help) and what its positional arguments are (for
 * parsing). A new command adds an entry here, its options' `commands` in `option_table.ts`, and
 * a case in `main.ts`.
 *
 * @module
 */

/** One command. */
export interface CommandSpec {
  /** One line for the list of commands. */
  summary: string;
  /** What follows `deno task <command>` in the usage line. */
  usage: string;
  /** A few lines for the command's own help. */
  about: string;
  /**
   * The positional arguments: a pipeline file (and, with `step`, one of its steps), one word of a
   * set (`cache ls`), or none.
   */
  positional:
    | { kind: "pipeline"; step?: true }
    | { kind: "word"; name: string; choices: string[] }
    | null;
}

/** The commands, in the order help lists them. */
export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    summary: "plan, train what is missing, print the results",
    usage: "<pipeline.ts> [options]",
    about: "Plan the pipeline, train every step that is not cached (resuming from checkpoints),\n" +
      "print the results table and write the report. Ctrl-C checkpoints and stops.",
    positional: { kind: "pipeline" },
  },
  plan: {
    summary: "show cached / will run and why (trains nothing)",
    usage: "<pipeline.ts> [options]",
    about: "Print every step: cached or will run, why (which file, param, input or version\n" +
      "changed its key), its key and model size. Trains nothing.",
    positional: { kind: "pipeline" },
  },
  cache: {
    summary: "list, check and clean the step cache",
    usage: "ls|verify|gc [options]",
    about: "ls      list the entries with their pipeline, step, result and size\n" +
      "verify  check every entry's files and its manifest's checksum\n" +
      "gc      remove what no pipeline step references; running steps and resumable\n" +
      "        checkpoints are kept (--checkpoints removes those too)",
    positional: { kind: "word", name: "cache command", choices: ["ls", "verify", "gc"] },
  },
  report: {
    summary: "write the results report (Markdown + HTML)",
    usage: "<pipeline.ts> [options]",
    about: "Read the cached results of the pipeline's steps (training nothing) and write the\n" +
      "configuration's report.md, self-contained report.html, params.json and metrics.csv\n" +
      "in reports/<pipeline>/<id>/ (<id>: a short hash of the params) and the pipeline's\n" +
      "index of configurations; print the results table. With nothing of the configuration\n" +
      "in the cache, write nothing, list the configurations there and exit 1.",
    positional: { kind: "pipeline" },
  },
  export: {
    summary: "write a cached model's weights for use outside born-again",
    usage: "<pipeline.ts> <step> [options]",
    about:
      "Write the step's cached weights with their names (safetensors, npz, or a TensorFlow.js\n" +
      "model of stock layers), preprocessing.json (input shape, mean/std, class names or\n" +
      "vocabulary) and a README.md on loading it. An ensemble writes its members and\n" +
      "ensemble.json (how their outputs are averaged). Trains nothing: a step that is not\n" +
      "cached is an error saying how to train it.",
    positional: { kind: "pipeline", step: true },
  },
  doctor: {
    summary: "what each executor can do on this machine",
    usage: "[options]",
    about: "Check every executor: available or not, why, how to fix it, and which one\n" +
      "--executor auto picks.",
    positional: null,
  },
};

/** The command names. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);
