/**
 * The body of the sandbox a dataset plugin from outside the project's `datasets/` is
 * fingerprinted in while planning (see `fingerprint.ts`): it imports the plugin named by the
 * descriptor, fingerprints it and posts the fingerprint back, or the error as plain data.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { PipelineError } from "../errors.ts";
import { resolvePlugin } from "../plugin/resolve.ts";
import { deniedOf } from "./denied.ts";
import type { FingerprintReply, FingerprintRequest } from "./fingerprint_protocol.ts";

self.onmessage = async (event: MessageEvent<FingerprintRequest>) => {
  const { descriptor, data } = event.data;
  let reply: FingerprintReply;
  try {
    const plugin = await resolvePlugin(descriptor);
    reply = { ok: true, fingerprint: String(await plugin.fingerprint(descriptor.params, data)) };
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
