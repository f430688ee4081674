/**
 * Entry of `deno task setup` (see `setup.ts`).
 *
 * @module
 */
import { probeExecutor } from "../doctor/doctor.ts";
import { defaultCacheDir } from "../cli/options.ts";
import { setup } from "./setup.ts";

async function exec(cmd: string[]): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
    env: { DEBIAN_FRONTEND: "noninteractive" },
  }).spawn();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (stderr) Deno.stderr.writeSync(new TextEncoder().encode(stderr));
  return { code: out.code, stderr };
}

Deno.exit(
  await setup({
    onednnReady: async () => {
      const r = await probeExecutor("onednn", { seconds: 0, cacheDir: defaultCacheDir() });
      return r.available ? r.versions?.onednn ?? "2.x" : undefined;
    },
    exec: (cmd) => exec(cmd).catch((e) => ({ code: 127, stderr: String(e) })),
    root: (() => {
      try {
        return Deno.uid() === 0;
      } catch {
        return false;
      }
    })(),
    print: (line) => console.log(line),
  }),
);
