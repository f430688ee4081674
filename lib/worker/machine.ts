/**
 * The machine a step ran on, for provenance: its CPU model and, on the `gpu` executor, the GPUs
 * `nvidia-smi` lists. Read by the worker itself, so a cluster job records its own node.
 *
 * @module
 */
import { cpus } from "node:os";
import { listGpus } from "../executors/gpu/probe.ts";

/** CPU model and GPU models; a field that cannot be read is left out. */
export async function machineProvenance(
  executor: string,
): Promise<{ cpu?: string; gpus?: string[] }> {
  let cpu: string | undefined;
  try {
    cpu = cpus()[0]?.model?.trim() || undefined;
  } catch {
    // No permission to read system information: the CPU is not recorded.
  }
  const listing = executor === "gpu" ? await listGpus() : undefined;
  const gpus = listing && "gpus" in listing ? listing.gpus.map((g) => g.name) : undefined;
  return { ...(cpu ? { cpu } : {}), ...(gpus?.length ? { gpus } : {}) };
}
