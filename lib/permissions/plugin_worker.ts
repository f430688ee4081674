/**
 * The body of the sandbox that runs the light side of a plugin from outside the project while
 * planning (see `sandboxed_plugin.ts`): it imports the plugin named by the descriptor, computes
 * what it is asked and posts it back, or the error as plain data.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { PipelineError } from "../errors.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import { deniedOf } from "./denied.ts";
import type { PluginReply, PluginRequest } from "./plugin_protocol.ts";

async function compute(req: PluginRequest): Promise<string | number | null> {
  if (req.op === "fingerprint") {
    return String(
      await (await resolvePlugin(req.descriptor)).fingerprint(
        req.descriptor.params,
        req.data,
      ),
    );
  }
  const plugin = await resolvePlugin(req.descriptor);
  const n = plugin.parameterCount?.(req.descriptor.params, req.shape);
  return typeof n === "number" ? n : null;
}

self.onmessage = async (event: MessageEvent<PluginRequest>) => {
  let reply: PluginReply;
  try {
    reply = { ok: true, value: await compute(event.data) };
  } catch (e) {
    reply = {
      ok: false,
      name: e instanceof Error ? e.name : "Error",
      message: e instanceof Error ? e.message : String(e),
      denied: deniedOf(e),
      reason: e instanceof PipelineError ? e.reason : undefined,
      field: e instanceof PipelineError ? e.field : undefined,
    };
  }
  self.postMessage(reply);
};
