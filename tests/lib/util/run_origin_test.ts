import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { gitState, runOrigin, shellQuote } from "../../../lib/util/run_origin.ts";

async function git(dir: string, ...args: string[]) {
  const out = await new Deno.Command("git", {
    args: ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  equal(out.success, true, new TextDecoder().decode(out.stderr));
}

Deno.test("runOrigin records the command line, quoted for the shell, and the git revision", async () => {
  const dir = await Deno.makeTempDir({ prefix: "born-again-origin-" });
  try {
    equal(await gitState(dir), undefined, "not a git checkout: no revision");
    await git(dir, "init", "-q");
    await Deno.writeTextFile(join(dir, "a.txt"), "1");
    await git(dir, "add", "a.txt");
    await git(dir, "commit", "-q", "-m", "a");
    const clean = await runOrigin(["run", "p.ts", "--set", "tag=a b"], dir);
    equal(clean.command, "deno task run p.ts --set 'tag=a b'");
    match(clean.git!.revision, /^[0-9a-f]{40}$/);
    equal(clean.git!.dirty, false);
    // An untracked file leaves the tree clean; an edited tracked file makes it dirty.
    await Deno.writeTextFile(join(dir, "b.txt"), "new");
    equal((await gitState(dir))!.dirty, false);
    await Deno.writeTextFile(join(dir, "a.txt"), "2");
    deepEqual(await gitState(dir), { revision: clean.git!.revision, dirty: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shellQuote leaves plain words and quotes the rest", () => {
  equal(shellQuote("--set"), "--set");
  equal(shellQuote("lr=0.1,0.05"), "lr=0.1,0.05");
  equal(shellQuote("it's"), `'it'\\''s'`);
});
