/**
 * Checkpoints of a step in progress: weights, optimiser velocities and loop state, in the step's
 * work folder (apart from finished entries). Written to a temporary folder and swapped in by
 * rename, so a kill at any moment leaves the previous checkpoint or the new one, never half (the
 * previous one may be left as `checkpoint.old-<pid>`, which loading puts back).
 *
 * @module
 */
import { checkpointFiles, workFiles } from "../store/layout.ts";
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { isNoSpace, noSpaceError } from "../errors.ts";
import type { JsonObject } from "../plugin/descriptor.ts";
import { loadModelWeights, saveModel } from "./weights_io.ts";

/** Loop state saved with a checkpoint. */
export interface LoopState {
  /** Next epoch to run (0-based). */
  epoch: number;
  /** Next batch of that epoch. */
  batch: number;
  lr: number;
  history: JsonObject[];
  /** Partial sums of the interrupted epoch. */
  lossSum: number;
  lossCount: number;
  /** Plateau schedule: best validation metric so far. */
  best: number | null;
  /** Training seconds so far. */
  seconds: number;
}

/**
 * Save a checkpoint of `net`, the optimiser state and `state` into `workDir`. The caller holds the
 * step's lock, so leftovers of earlier workers of this step (killed mid-save) are removed first. A
 * failed save removes its temporary folder and keeps the previous checkpoint; a full disk is
 * reported as such.
 */
export async function saveCheckpoint(
  workDir: string,
  net: tfl.LayersModel,
  optimizerState: Float32Array[],
  state: LoopState,
): Promise<void> {
  await removeLeftovers(workDir);
  const files = workFiles(workDir);
  const tmp = files.checkpointTmp(Deno.pid);
  const final = files.checkpoint, old = files.checkpointOld(Deno.pid);
  try {
    await Deno.mkdir(tmp, { recursive: true });
    await saveModel(net, tmp);
    const total = optimizerState.reduce((n, a) => n + a.length, 0);
    const flat = new Float32Array(total);
    let off = 0;
    for (const a of optimizerState) flat.set(a, (off += a.length) - a.length);
    await Deno.writeFile(checkpointFiles(tmp).optimizer, new Uint8Array(flat.buffer));
    await Deno.writeTextFile(
      checkpointFiles(tmp).state,
      JSON.stringify({ ...state, slots: optimizerState.map((a) => a.length) }),
    );
    const hadPrevious = await Deno.rename(final, old).then(() => true, () => false);
    await Deno.rename(tmp, final).catch(async (e) => {
      if (hadPrevious) await Deno.rename(old, final).catch(() => {});
      throw e;
    });
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    if (isNoSpace(e)) {
      throw noSpaceError(
        workDir,
        "saving a checkpoint",
        "the previous checkpoint, if any, is kept: free space and run again to resume from it",
      );
    }
    throw e;
  }
  await Deno.remove(old, { recursive: true }).catch(() => {});
}

/** Remove `checkpoint.tmp-*` and `checkpoint.old-*` folders of earlier workers. */
async function removeLeftovers(workDir: string): Promise<void> {
  const files = workFiles(workDir);
  try {
    for await (const e of Deno.readDir(workDir)) {
      if (files.isCheckpointTmp(e.name) || files.isCheckpointOld(e.name)) {
        await Deno.remove(files.child(e.name), { recursive: true }).catch(() => {});
      }
    }
  } catch { /* no work folder yet */ }
}

/** Load the checkpoint in `workDir` into `net`; returns the loop and optimiser state, or undefined. */
export async function loadCheckpoint(
  tf: typeof tfc,
  workDir: string,
  net: tfl.LayersModel,
): Promise<{ state: LoopState; optimizer: Float32Array[] } | undefined> {
  const dir = workFiles(workDir).checkpoint;
  await recoverPrevious(workDir);
  let raw: LoopState & { slots: number[] };
  try {
    raw = JSON.parse(await Deno.readTextFile(checkpointFiles(dir).state));
  } catch {
    return undefined;
  }
  await loadModelWeights(tf, net, dir);
  const bytes = await Deno.readFile(checkpointFiles(dir).optimizer);
  const flat = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const optimizer: Float32Array[] = [];
  let off = 0;
  for (const n of raw.slots) optimizer.push(flat.slice(off, off += n));
  const { slots: _slots, ...state } = raw;
  return { state, optimizer };
}

/**
 * A worker killed between a save's two renames leaves the previous checkpoint as
 * `checkpoint.old-<pid>` and none in place: put it back.
 */
async function recoverPrevious(workDir: string): Promise<void> {
  const files = workFiles(workDir);
  if (await Deno.stat(files.checkpoint).then(() => true, () => false)) return;
  try {
    for await (const e of Deno.readDir(workDir)) {
      if (files.isCheckpointOld(e.name)) {
        await Deno.rename(files.child(e.name), files.checkpoint);
        return;
      }
    }
  } catch { /* no work folder yet */ }
}

/** Remove a step's checkpoint (after its entry is committed). */
export async function clearCheckpoint(workDir: string): Promise<void> {
  await Deno.remove(workFiles(workDir).checkpoint, { recursive: true }).catch(() => {});
  await removeLeftovers(workDir);
}
