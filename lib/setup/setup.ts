/**
 * `deno task setup`: make the default executor fast where this machine allows. The onednn
 * executor needs one system package (oneDNN 2.x, `libdnnl2`); where apt-get exists and root or
 * password-less sudo is at hand it is installed, otherwise the command (or, without apt-get, how
 * to build it) is printed and runs use wasm. Never fails a `&&` chain over something optional.
 *
 * @module
 */
import { ONEDNN_BUILD, onPath } from "../doctor/fixes.ts";

/** What setup needs from the machine (replaced in tests). */
export interface SetupEnv {
  /** Whether the onednn executor loads already; its version when it does. */
  onednnReady(): Promise<string | undefined>;
  /** Run a command with output shown; its exit code and captured error text. */
  exec(cmd: string[]): Promise<{ code: number; stderr: string }>;
  root: boolean;
  print(line: string): void;
}

/** Install what makes training fast here, or say how; returns 0 unless something broke. */
export async function setup(env: SetupEnv): Promise<number> {
  const ready = await env.onednnReady();
  if (ready) {
    env.print(`onednn: ready (oneDNN ${ready}); runs train on it`);
    return 0;
  }
  if (Deno.build.os !== "linux" || !onPath("apt-get")) {
    env.print(
      `onednn: oneDNN 2.x is not installed and this system has no apt-get: ${ONEDNN_BUILD}. ` +
        "Until then runs use the wasm executor.",
    );
    return 0;
  }
  let prefix: string[] = [];
  if (!env.root) {
    if (!onPath("sudo") || (await env.exec(["sudo", "-n", "true"])).code !== 0) {
      env.print(
        "onednn: needs libdnnl2, which needs root: run `sudo apt-get install -y libdnnl2`. " +
          "Until then runs use the wasm executor.",
      );
      return 0;
    }
    prefix = ["sudo", "-n"];
  }
  const install = [...prefix, "apt-get", "install", "-y", "libdnnl2"];
  env.print(`onednn: ${install.join(" ")}`);
  let r = await env.exec(install);
  if (r.code !== 0 && /Unable to locate package|has no installation candidate/.test(r.stderr)) {
    // A fresh container has empty package lists.
    await env.exec([...prefix, "apt-get", "update"]);
    r = await env.exec(install);
  }
  if (r.code !== 0) {
    env.print(
      `onednn: \`${install.join(" ")}\` failed (exit ${r.code}); runs use the wasm executor. ` +
        `Where the distribution has no libdnnl2 (it ships oneDNN 3.x): ${ONEDNN_BUILD}.`,
    );
    return 0;
  }
  const now = await env.onednnReady();
  env.print(
    now
      ? `onednn: ready (oneDNN ${now})`
      : "onednn: libdnnl2 is installed but the executor still does not load: see deno task doctor",
  );
  return 0;
}
