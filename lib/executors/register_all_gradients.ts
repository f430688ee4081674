/**
 * The gradients every executor but onednn (which has its own) registers over tfjs's: batch norm's
 * in one pass (FusedBatchNorm), and `TrainingBatchNorm`'s for the backends that have the kernel.
 * Gradients are registered per kernel name for all backends at once; each keeps tfjs's behaviour
 * where it does not apply.
 *
 * @module
 */
import { fusedBatchNormGradConfig } from "./gradients/fused_batch_norm_grad.ts";
import { trainingBatchNormGradConfig } from "./gradients/training_batch_norm_grad.ts";
import type { Tf } from "./host/kernel_call.ts";
import { TRAINING_BATCH_NORM } from "./kernel_names.ts";
import { wrapGradient } from "./kernel_registry.ts";

/** Register the shared gradients (idempotent). Call after tfjs-layers has loaded. */
export function registerAllGradients(tf: Tf): void {
  wrapGradient(tf, tf.FusedBatchNorm, (stock) => fusedBatchNormGradConfig(tf, stock));
  wrapGradient(tf, TRAINING_BATCH_NORM, () => trainingBatchNormGradConfig(tf));
}
