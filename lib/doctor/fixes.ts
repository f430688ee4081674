/**
 * The exact commands that make an unavailable executor available on this machine, read from its
 * refusal: the package to install with this system's installer where there is one.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GPU_INSTALL_COMMAND, NATIVE_INSTALL_COMMAND } from "../executors/tfjs_node/install.ts";

/** oneDNN 2.x by hand, where no package manager offers it. */
export const ONEDNN_BUILD = "build oneDNN v2.7.5 from github.com/oneapi-src/oneDNN " +
  "(cmake -DDNNL_CPU_RUNTIME=OMP) and set BORN_AGAIN_DNNL_LIB to its libdnnl.so.2";

/** Whether a program is on PATH (without running it); folders this process may not read do not count. */
export function onPath(program: string): boolean {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").some((dir) => {
    try {
      return dir !== "" && existsSync(join(dir, program));
    } catch {
      return false; // not readable under this process's permissions
    }
  });
}

/** Whether this process runs as root (then no `sudo` is needed). */
function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** `apt-get install -y PKG`, with `sudo` unless root; undefined where apt-get is missing. */
export function aptInstall(pkg: string): string | undefined {
  if (!onPath("apt-get")) return undefined;
  return `${isRoot() ? "" : "sudo "}apt-get install -y ${pkg}`;
}

/** The commands that would make `executor` available, given why it is not. */
export function fixesFor(executor: string, reason: string): string[] {
  switch (executor) {
    case "onednn":
      if (!/no usable oneDNN/.test(reason)) return [];
      return [aptInstall("libdnnl2") ?? ONEDNN_BUILD];
    case "native":
      return /not installed/.test(reason) ? [NATIVE_INSTALL_COMMAND] : [];
    case "gpu": {
      const out: string[] = [];
      if (/tfjs-node-gpu@[\d.]+ is not installed/.test(reason)) out.push(GPU_INSTALL_COMMAND);
      if (/needs (CUDA|cuBLAS|cuDNN)/.test(reason)) {
        out.push("conda install -c conda-forge cudatoolkit=11.2 cudnn=8.1");
      }
      return out;
    }
    default:
      return [];
  }
}

/** The reason shortened to its first clause, for one-line summaries. */
export function shortReason(reason: string): string {
  let s = reason.split(/\.(\s|$)/)[0];
  const cut = Math.min(
    ...[": ", " ("].map((sep) => s.indexOf(sep)).filter((i) => i >= 12),
    s.length,
  );
  s = s.slice(0, cut);
  return s.length > 90 ? `${s.slice(0, 87)}...` : s;
}
