/**
 * The main job: a ResNet teacher on CIFAR-100, three born-again generations, each trained from
 * the previous one with BAN's KD loss (Eq. 2: teacher probabilities, temperature 1, no label
 * term), and their ensembles Ens*2 and BANE = Ens*3 (Eq. 4). Defaults follow the paper's recipe.
 *
 *   deno task run pipelines/ban-resnet.ts
 *   # a CPU-sized look at the whole chain on real data:
 *   deno task run pipelines/ban-resnet.ts --data-dir ../shared/datasets --no-verify \
 *     --set depth=8 --set epochs=3 --set train=5000 --set test=2000
 */
import { pipeline } from "../lib/mod.ts";
import { resnet } from "../plugins/models/resnet.ts";
import { crossEntropy, kd } from "../plugins/losses/mod.ts";
import { cifarData, cifarRecipe } from "./common/cifar.ts";

export default pipeline("ban-resnet", (b) => {
  const data = cifarData(b, "cifar100");
  const model = resnet({ depth: b.param("depth", 56, "ResNet depth, 6n+2 (20, 32, 56, 110)") });
  const recipe = { ...cifarRecipe(b), model, data };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  const gen1 = b.train("gen1", { ...recipe, loss: kd(), teacher });
  const gen2 = b.train("gen2", { ...recipe, loss: kd(), teacher: gen1 });
  const gen3 = b.train("gen3", { ...recipe, loss: kd(), teacher: gen2 });
  b.ensemble("ens2", { members: [gen1, gen2], data });
  b.ensemble("bane", { members: [gen1, gen2, gen3], data });
});
