import { deepEqual, equal, throws } from "node:assert/strict";
import { UsageError } from "../../../lib/cli/args.ts";
import { parseOptions } from "../../../lib/cli/options.ts";

const usage = (pattern: RegExp) => (e: unknown) =>
  e instanceof UsageError && pattern.test(e.message);

Deno.test("a misspelt option names the closest one the command takes", () => {
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--cache-dirr", "x"], "run"),
    usage(/^unknown option --cache-dirr: did you mean --cache-dir\?$/),
  );
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--cahce-dir=x"], "plan"),
    usage(/^unknown option --cahce-dir: did you mean --cache-dir\?$/),
  );
  throws(
    () => parseOptions(["pipelines/smoke.ts", "-cache-dir", "x"], "run"),
    usage(/^unknown option -cache-dir: did you mean --cache-dir\?$/),
  );
  throws(() => parseOptions(["ls", "--verbose"], "cache"), usage(/^unknown option --verbose$/));
});

Deno.test("a name=value word is an error suggesting --set, wherever it stands", () => {
  throws(
    () => parseOptions(["pipelines/smoke.ts", "epochs=5"], "run"),
    usage(/^unexpected argument "epochs=5": to set a pipeline param, write --set epochs=5$/),
  );
  throws(
    () => parseOptions(["lr=0.1", "pipelines/smoke.ts"], "plan"),
    usage(/write --set lr=0\.1$/),
  );
  throws(
    () => parseOptions(["pipelines/smoke.ts", "pipelines/chain.ts"], "report"),
    usage(/^unexpected argument "pipelines\/chain\.ts": report takes one pipeline file$/),
  );
});

Deno.test("an option of another command says whose it is", () => {
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--dry-run"], "run"),
    usage(/^--dry-run is an option of cache, not of run$/),
  );
  throws(
    () => parseOptions(["gc", "--jobs", "2"], "cache"),
    usage(/^--jobs is an option of run and plan, not of cache$/),
  );
});

Deno.test("a missing value or a value given to a flag is a usage error", () => {
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--jobs"], "run"),
    usage(/--jobs needs a value/),
  );
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--set", "--json"], "run"),
    usage(/--set needs a value \(for one starting with "-", write --set=--json\)/),
  );
  throws(
    () => parseOptions(["pipelines/smoke.ts", "--json=yes"], "run"),
    usage(/--json takes no value/),
  );
});

Deno.test("cache names its subcommands and suggests the closest", () => {
  throws(
    () => parseOptions(["lss"], "cache"),
    usage(/^unknown cache command "lss": did you mean ls\?$/),
  );
  throws(() => parseOptions(["ls", "gc"], "cache"), usage(/^unexpected argument "gc"$/));
});

Deno.test("a well-formed command line parses, flags of its command included", () => {
  const o = parseOptions(
    ["pipelines/smoke.ts", "--set", "epochs=5", "--set=lr=0.1", "-j2", "--executor", "cpu"],
    "run",
  );
  deepEqual(o.positionals, ["pipelines/smoke.ts"]);
  deepEqual(o.set, ["epochs=5", "lr=0.1"]);
  equal(o.jobs, 2);
  equal(o.executor, "cpu");
  const gc = parseOptions(["gc", "--dry-run", "--checkpoints", "--json"], "cache");
  equal(gc.dryRun, true);
  equal(gc.checkpoints, true);
  equal(gc.json, true);
  // Words after -- are positionals, and --help skips the positional checks.
  deepEqual(parseOptions(["--", "odd=name"]).positionals, ["odd=name"]);
  equal(parseOptions(["pipelines/smoke.ts", "extra", "--help"], "run").help, true);
});
