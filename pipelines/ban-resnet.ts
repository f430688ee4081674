/**
 * The main job: a ResNet teacher on CIFAR-100, three born-again generations, each trained from
 * the previous one with BAN's KD loss (Eq. 2: teacher probabilities, temperature 1, no label
 * term), and their ensembles Ens*2 and BANE = Ens*3 (Eq. 4). Defaults follow the paper's recipe.
 *
 *   deno task run pipelines/ban-resnet.ts   # the paper's scale: days on a CPU
 *   # the quick real-data run (ResNet-8, 2,000 CIFAR-10 images, 5 epochs, 2 seeds):
 *   deno task run pipelines/ban-resnet.ts --params pipelines/params/ban-resnet-quick.yaml \
 *     --data-dir ../shared/datasets --no-verify --jobs 2
 */
import { pipeline } from "../lib/mod.ts";
import { resnet } from "../plugins/models/resnet.ts";
import { crossEntropy, kd } from "../plugins/losses/mod.ts";
import { cifarData, cifarRecipe } from "./common/cifar.ts";

export default pipeline("ban-resnet", (b) => {
  const data = cifarData(b, "cifar100");
  const model = resnet({ depth: b.param("depth", 56, "ResNet depth, 6n+2 (20, 32, 56, 110)") });
  const recipe = { ...cifarRecipe(b), model, data };
  const generations = b.param("generations", 3, "born-again generations after the teacher");
  // Student-only params: a sweep over them retrains the generations, never the teacher.
  const distil = kd({
    temperature: b.param("temperature", 1, "KD temperature (paper: 1)"),
    scale: b.param("kdScale", "t2", 'KD loss scale at T != 1: "t2" (Hinton, T^2) or "none"'),
  });
  let teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  const gens = [];
  // Eq. 3: generation k learns from generation k-1, each from a fresh initialisation (its seed).
  for (let k = 1; k <= generations; k++) {
    teacher = b.train(`gen${k}`, { ...recipe, loss: distil, teacher });
    gens.push(teacher);
  }
  // Eq. 4: Ens*k averages the softmax outputs of generations 1..k; the last one is BANE.
  for (let k = 2; k < generations; k++) b.ensemble(`ens${k}`, { members: gens.slice(0, k), data });
  if (generations >= 2) b.ensemble("bane", { members: gens, data });
});
