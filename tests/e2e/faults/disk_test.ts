/**
 * A full disk, for real: the cache lives on a small tmpfs (mounting needs root, or sudo without
 * a password as on CI runners; elsewhere these tests are skipped, visibly). A checkpoint or a
 * commit that does not fit is a plain "no space left on <path>" failure, leaves no temporary
 * folder behind, and the previous checkpoint survives for a rerun once there is space.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { runCli, statuses, summary } from "../../helpers/cli.ts";

const PIPELINE = "tests/fixtures/pipelines/one_step.ts";
/** A 1.7 MB entry and a 3.4 MB checkpoint (weights and velocities). */
const WIDE = ["--set", "hidden=8192"];

/** `mount`/`umount` as root, or through `sudo -n`. */
async function privileged(args: string[]): Promise<{ ok: boolean; err: string }> {
  const [cmd, rest] = Deno.uid() === 0 ? [args[0], args.slice(1)] : ["sudo", ["-n", ...args]];
  try {
    const out = await new Deno.Command(cmd, { args: rest, stdout: "null", stderr: "piped" })
      .output();
    return { ok: out.success, err: new TextDecoder().decode(out.stderr).trim() };
  } catch (e) {
    return { ok: false, err: (e as Error).message };
  }
}

/** A tmpfs of `size` (e.g. "5m") mounted on a fresh folder. */
class SmallDisk {
  private constructor(readonly dir: string) {}

  static async mount(size: string): Promise<SmallDisk> {
    const dir = await Deno.makeTempDir({ prefix: "born-again-disk-" });
    const r = await privileged([
      "mount",
      "-t",
      "tmpfs",
      "-o",
      `size=${size},mode=1777`,
      "tmpfs",
      dir,
    ]);
    if (!r.ok) {
      await Deno.remove(dir);
      throw new Error(`cannot mount a tmpfs: ${r.err}`);
    }
    return new SmallDisk(dir);
  }

  /** Give the disk more room, as a user freeing space would. */
  async resize(size: string): Promise<void> {
    const r = await privileged(["mount", "-o", `remount,size=${size}`, this.dir]);
    ok(r.ok, r.err);
  }

  async unmount(): Promise<void> {
    await privileged(["umount", "-l", this.dir]);
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** Why the tests cannot run here, or undefined. */
async function unavailable(): Promise<string | undefined> {
  try {
    await (await SmallDisk.mount("1m")).unmount();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const unmountable = await unavailable();
if (unmountable) console.warn(`full-disk tests skipped: ${unmountable}`);
const skip = unmountable ? " (SKIPPED: mounting a tmpfs needs root or sudo -n)" : "";

/** Every path under `dir` whose name matches `re`. */
async function find(dir: string, re: RegExp): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (re.test(e.name)) found.push(path);
    if (e.isDirectory) found.push(...await find(path, re));
  }
  return found;
}

/** The run failed plainly: one line naming the step and the place, no bug, no stack trace. */
function plainNoSpace(r: { code: number; stderr: string }, where: RegExp) {
  equal(r.code, 1, r.stderr);
  match(r.stderr, where);
  equal(/\(bug\)|^\s+at /m.test(r.stderr), false, `no bug, no stack trace:\n${r.stderr}`);
}

/** Nothing temporary left behind: no checkpoint.tmp-/.old- folders, an empty tmp/. */
async function noLeftovers(cache: string) {
  deepEqual(await find(cache, /^checkpoint\.(tmp|old)-/), []);
  deepEqual(await find(join(cache, "tmp"), /./).catch(() => []), []);
}

function run(cache: string, more: string[]) {
  return runCli(["run", PIPELINE, "--cache-dir", cache, "--executor", "cpu", ...WIDE, ...more]);
}

Deno.test({
  name: "a checkpoint on a full disk: no space left on the work folder, nothing half-written, " +
    `the previous checkpoint kept, and a rerun with space resumes from it${skip}`,
  ignore: !!unmountable,
  async fn() {
    // The first checkpoint (3.4 MB) fits; the second cannot be written beside it.
    const disk = await SmallDisk.mount("5m");
    try {
      const cache = join(disk.dir, "cache");
      const epochs = ["--set", "epochs=3"];
      const full = await run(cache, epochs);
      plainNoSpace(
        full,
        new RegExp(
          `step "solo" failed \\(no-space\\): no space left on ${cache}/work/\\w+ ` +
            `\\(saving a checkpoint\\); the previous checkpoint, if any, is kept`,
        ),
      );
      await noLeftovers(cache);
      const [state] = await find(cache, /^state\.json$/);
      equal(JSON.parse(await Deno.readTextFile(state)).epoch, 1, "epoch 1's checkpoint is kept");

      await disk.resize("16m");
      const rerun = await run(cache, [...epochs, "--json"]);
      equal(rerun.code, 0, rerun.stderr);
      match(rerun.stderr, /solo: resuming from checkpoint at epoch 2, batch 0/);
      deepEqual(statuses(summary(rerun)), { solo: "ran" });
      await noLeftovers(cache);
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: `a commit on a full disk: no space left on the cache, no tmp/ folder or entry left${skip}`,
  ignore: !!unmountable,
  async fn() {
    // Everything but the 1.7 MB entry fits.
    const disk = await SmallDisk.mount("1m");
    try {
      const cache = join(disk.dir, "cache");
      const full = await run(cache, ["--set", "epochs=1"]);
      plainNoSpace(
        full,
        new RegExp(
          `step "solo" failed \\(no-space\\): no space left on ${cache} ` +
            `\\(committing the step's outputs\\); nothing was committed`,
        ),
      );
      await noLeftovers(cache);
      deepEqual(await find(join(cache, "entries"), /./), []);
    } finally {
      await disk.unmount();
    }
  },
});

Deno.test({
  name: `a disk already full when the run starts: no space left on a path in the cache${skip}`,
  ignore: !!unmountable,
  async fn() {
    const disk = await SmallDisk.mount("1m");
    try {
      const cache = join(disk.dir, "cache");
      await Deno.mkdir(cache);
      // Fill every byte: a write larger than the disk stops at ENOSPC with the disk full.
      await Deno.writeFile(join(disk.dir, "filler"), new Uint8Array(2 << 20)).catch(() => {});
      const full = await run(cache, []);
      equal(full.code, 1, full.stderr);
      match(full.stderr, new RegExp(`error: no space left on ${cache}/\\S+ \\(writing\\)`));
      equal(/^\s+at /m.test(full.stderr), false, `no stack trace:\n${full.stderr}`);
    } finally {
      await disk.unmount();
    }
  },
});
