/**
 * Partial weight transfer between models: copy the weights of the named layers from a trained
 * model into another and optionally freeze them. The paper's BAN-ResNet students take the
 * DenseNet teacher's first convolution and final classifier this way, frozen (Furlanello et al.
 * 2018, §4); the CIFAR model plugins name those layers `conv0` and `fc` in every family.
 *
 * @module
 */
import type { LayersModel } from "@tensorflow/tfjs-layers";

/** Thrown when a layer to transfer is missing or its weights do not fit; names layer and shapes. */
export class TransferError extends Error {
  override name = "TransferError";
}

function layerOf(model: LayersModel, name: string, role: "source" | "target") {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    const known = model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
    throw new TransferError(
      `Cannot transfer layer "${name}": the ${role} model "${model.name}" has no such layer ` +
        `(layers with weights: ${known.join(", ") || "none"})`,
    );
  }
  return layer;
}

/**
 * Copy every weight (trainable or not, e.g. batch-norm statistics) of each layer in `layers` from
 * `from` to `to`, matching layers by name; with `freeze`, mark those layers of `to` untrainable
 * so optimisers leave them alone. Checks every layer before copying any, so a failure changes
 * nothing.
 *
 * @example
 * ```ts ignore
 * transferLayers(teacher.net, student.net, ["conv0", "fc"], true);
 * ```
 */
export function transferLayers(
  from: LayersModel,
  to: LayersModel,
  layers: string[],
  freeze: boolean,
): void {
  const pairs = layers.map((name) => {
    const src = layerOf(from, name, "source");
    const dst = layerOf(to, name, "target");
    const a = src.weights, b = dst.weights;
    if (a.length !== b.length) {
      throw new TransferError(
        `Cannot transfer layer "${name}": the source has ${a.length} weights, the target ${b.length}`,
      );
    }
    a.forEach((w, i) => {
      const same = w.shape.length === b[i].shape.length &&
        w.shape.every((d, j) => d === b[i].shape[j]);
      if (!same) {
        throw new TransferError(
          `Cannot transfer layer "${name}": weight ${i} has shape [${w.shape}] in the source ` +
            `and [${b[i].shape}] in the target`,
        );
      }
    });
    return { src, dst };
  });
  for (const { src, dst } of pairs) {
    // getWeights returns the variables' current values; setWeights assigns copies-on-write.
    dst.setWeights(src.getWeights());
    if (freeze) dst.trainable = false;
  }
}
