/**
 * Declarations shared by the CIFAR pipelines and their ablations. An ablation that calls the same
 * function with the same params declares the same steps, so their keys match and the teacher (or
 * the whole chain) comes from the cache instead of being trained again.
 */
import type { Builders, DataHandle, Recipe } from "../../lib/mod.ts";
import { cifar10, cifar100 } from "../../datasets/cifar.ts";

/** The CIFAR dataset chosen by the `dataset` param, with `train`/`test` subsets for quick runs. */
export function cifarData(b: Builders, defaultName: "cifar10" | "cifar100"): DataHandle<"image"> {
  const name = b.param("dataset", defaultName, "cifar10 or cifar100");
  const options = {
    train: b.param("train", 0, "use only the first N training images (0 = all)"),
    test: b.param("test", 0, "use only the first N test images (0 = all)"),
  };
  if (name === "cifar10") return b.dataset(cifar10(options));
  if (name === "cifar100") return b.dataset(cifar100(options));
  throw new Error(`Param "dataset" must be cifar10 or cifar100: got ${JSON.stringify(name)}`);
}

/** The paper's CIFAR schedule, with `epochs`, `batchSize` and `lr` as pipeline params. */
export function cifarRecipe(b: Builders): Partial<Recipe> {
  return {
    epochs: b.param("epochs", 200, "epochs per generation (paper: 200; lr x0.2 at 30/60/80%)"),
    batchSize: b.param("batchSize", 128, "mini-batch size (paper: 128)"),
    lr: b.param("lr", 0.1, "initial learning rate (paper: 0.1)"),
  };
}

/** `"112-33"` → DenseNet depth 112, growth rate 33 (the paper names DenseNets depth-growth). */
export function parseDensenet(arch: string): { depth: number; growthRate: number } {
  const m = /^(\d+)-(\d+)$/.exec(arch);
  if (!m) {
    throw new Error(
      `Param "arch" must look like "112-33" (depth-growth): got ${JSON.stringify(arch)}`,
    );
  }
  return { depth: Number(m[1]), growthRate: Number(m[2]) };
}
