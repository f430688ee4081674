/**
 * Run the light side of a plugin from outside the project (a dataset's fingerprint, a model's
 * parameter count) in a Deno worker that may read only the folders given and the environment
 * variables that locate the data; it writes nothing, runs no program and has no network. The
 * project's own plugins run in the caller's process.
 *
 * @module
 */
import { join, normalize } from "node:path";
import { PROJECT_ROOT } from "../util/project_root.ts";
import { withRealPaths } from "../util/path.ts";
import type { PluginReply, PluginRequest } from "./plugin_protocol.ts";

const WORKER_URL = new URL("./plugin_worker.ts", import.meta.url);

/** Variables the project's data code reads to find the data and the user's cache folder. */
const DATA_ENV = [
  "BORN_AGAIN_DATA",
  "BORN_AGAIN_DATA_URL",
  "XDG_CACHE_HOME",
  "HOME",
  "USERPROFILE",
  "LOCALAPPDATA",
];

/** Whether `module` (a descriptor's module id) lies in the project folder `folder`. */
export function projectModule(module: string, folder: string): boolean {
  if (/^[a-z]+:/i.test(module)) return false;
  return normalize(join(PROJECT_ROOT, module)).startsWith(join(PROJECT_ROOT, folder) + "/");
}

/** Run `request` in a sandbox that may read `read` (and nothing else); its reply. */
export async function callInSandbox(request: PluginRequest, read: string[]): Promise<PluginReply> {
  const worker = new Worker(WORKER_URL, {
    type: "module",
    deno: {
      permissions: {
        read: withRealPaths(read),
        env: DATA_ENV,
        write: false,
        net: false,
        run: false,
        ffi: false,
        sys: false,
        import: false,
      },
    },
  });
  try {
    return await new Promise<PluginReply>((done) => {
      worker.onmessage = (e: MessageEvent<PluginReply>) => done(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        done({ ok: false, name: "Error", message: e.message ?? String(e.error) });
      };
      worker.postMessage(request);
    });
  } finally {
    worker.terminate();
  }
}
