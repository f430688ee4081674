/**
 * DenseNet on CIFAR-100, the paper's Table 2: teacher, BAN-1..3 (each generation from the
 * previous), Ens*2 (gen1+gen2) and Ens*3 (gen1+gen2+gen3). Architectures are named depth-growth:
 * `--set arch=112-33` (default), 90-60, 80-80, 80-120.
 */
import { type Builders, pipeline } from "../lib/mod.ts";
import { densenet } from "../plugins/models/densenet.ts";
import { crossEntropy, kd } from "../plugins/losses/mod.ts";
import { cifarData, cifarRecipe, parseDensenet } from "./common/cifar.ts";

/**
 * The DenseNet teacher as every DenseNet pipeline declares it; `defaultArch` is the `arch` param's
 * default (the same arch gives the same teacher, and key, in every pipeline).
 */
export function densenetTeacher(b: Builders, defaultArch = "112-33") {
  const data = cifarData(b, "cifar100");
  const arch = parseDensenet(
    b.param("arch", defaultArch, "DenseNet depth-growth: 112-33, 90-60, 80-80, 80-120"),
  );
  const model = densenet(arch);
  const recipe = { ...cifarRecipe(b), model, data };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  return { data, recipe, teacher, arch };
}

export default pipeline("ban-densenet", (b) => {
  const { data, recipe, teacher } = densenetTeacher(b);
  const gen1 = b.train("gen1", { ...recipe, loss: kd(), teacher });
  const gen2 = b.train("gen2", { ...recipe, loss: kd(), teacher: gen1 });
  const gen3 = b.train("gen3", { ...recipe, loss: kd(), teacher: gen2 });
  b.ensemble("ens2", { members: [gen1, gen2], data });
  b.ensemble("ens3", { members: [gen1, gen2, gen3], data });
});
