/**
 * `deno task setup` on fake machines: onednn already there, apt-get as root on a container with
 * empty package lists, no root and no password-less sudo, no apt-get at all.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setup, type SetupEnv } from "../../../lib/setup/setup.ts";

/** A folder holding empty stand-ins for `programs`, put on PATH while `fn` runs. */
async function withPrograms<T>(programs: string[], fn: () => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  const old = Deno.env.get("PATH");
  for (const p of programs) await Deno.writeTextFile(join(dir, p), "#!/bin/sh\n", { mode: 0o755 });
  Deno.env.set("PATH", dir);
  try {
    return await fn();
  } finally {
    old === undefined ? Deno.env.delete("PATH") : Deno.env.set("PATH", old);
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fake machine: `ready` answers in turn, `exec` answers by command, everything recorded. */
function machine(
  o: {
    ready: (string | undefined)[];
    root: boolean;
    answers?: Record<string, { code: number; stderr: string }[]>;
  },
) {
  const ran: string[] = [];
  const printed: string[] = [];
  const env: SetupEnv = {
    onednnReady: () => Promise.resolve(o.ready.shift()),
    exec: (cmd) => {
      const text = cmd.join(" ");
      ran.push(text);
      return Promise.resolve(o.answers?.[text]?.shift() ?? { code: 0, stderr: "" });
    },
    root: o.root,
    print: (l) => printed.push(l),
  };
  return { env, ran, printed };
}

Deno.test({
  name: "setup: nothing to do where onednn loads",
  fn: async () => {
    const m = machine({ ready: ["2.6.3"], root: true });
    assert.equal(await withPrograms(["apt-get"], () => setup(m.env)), 0);
    assert.deepEqual(m.ran, []);
    assert.match(m.printed[0], /onednn: ready \(oneDNN 2\.6\.3\)/);
  },
});

Deno.test({
  name: "setup: as root, installs libdnnl2, updating empty package lists first",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const m = machine({
      ready: [undefined, "2.6.3"],
      root: true,
      answers: {
        "apt-get install -y libdnnl2": [{
          code: 100,
          stderr: "E: Unable to locate package libdnnl2",
        }],
      },
    });
    assert.equal(await withPrograms(["apt-get"], () => setup(m.env)), 0);
    assert.deepEqual(m.ran, [
      "apt-get install -y libdnnl2",
      "apt-get update",
      "apt-get install -y libdnnl2",
    ]);
    assert.match(m.printed.at(-1)!, /onednn: ready \(oneDNN 2\.6\.3\)/);
  },
});

Deno.test({
  name: "setup: without root or password-less sudo it prints the command and succeeds",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const m = machine({
      ready: [undefined],
      root: false,
      answers: { "sudo -n true": [{ code: 1, stderr: "sudo: a password is required" }] },
    });
    assert.equal(await withPrograms(["apt-get", "sudo"], () => setup(m.env)), 0);
    assert.deepEqual(m.ran, ["sudo -n true"]);
    assert.match(m.printed[0], /run `sudo apt-get install -y libdnnl2`/);
  },
});

Deno.test("setup: without apt-get it says how to build oneDNN 2.x and succeeds", async () => {
  const m = machine({ ready: [undefined], root: true });
  assert.equal(await withPrograms([], () => setup(m.env)), 0);
  assert.deepEqual(m.ran, []);
  assert.match(m.printed[0], /build oneDNN v2\.7\.5 .* BORN_AGAIN_DNNL_LIB/);
});
