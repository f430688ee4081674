/**
 * Wide-ResNet-28-k teacher → born-again student (the paper's Tables 1 and 3), on CIFAR-10 or
 * CIFAR-100 (`--set dataset=cifar10`), widen factor `--set widen=1|2|5|10`, dropout 0.3.
 */
import { type Builders, pipeline } from "../lib/mod.ts";
import { wrn } from "../plugins/models/wrn.ts";
import { crossEntropy, kd } from "../plugins/losses/mod.ts";
import { cifarData, cifarRecipe } from "./common/cifar.ts";

/** The WRN teacher as every WRN pipeline declares it (so ablations share it through the cache). */
export function wrnTeacher(b: Builders) {
  const data = cifarData(b, "cifar100");
  const model = wrn({
    depth: b.param("depth", 28, "WRN depth, 6n+4"),
    widen: b.param("widen", 10, "widen factor k (paper: 1, 2, 5, 10)"),
    dropout: b.param("dropout", 0.3, "dropout between convolutions (0.3 on CIFAR)"),
  });
  const recipe = { ...cifarRecipe(b), model, data };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  return { data, recipe, teacher };
}

export default pipeline("ban-wrn", (b) => {
  const { recipe, teacher } = wrnTeacher(b);
  b.train("ban", { ...recipe, loss: kd(), teacher });
});
