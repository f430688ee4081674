/**
 * The whole Born-Again chain in seconds: teacher → gen1 → gen2 → gen3 → BANE on a small synthetic
 * image set with a tiny MLP. Checks an installation end to end; not an experiment.
 *
 *   deno task run pipelines/smoke.ts
 */
import { pipeline } from "../lib/mod.ts";
import { syntheticImages } from "../datasets/synthetic_images.ts";
import { mlp } from "../plugins/models/mlp.ts";
import { crossEntropy, kd } from "../plugins/losses/mod.ts";

export default pipeline("smoke", ({ param, dataset, train, ensemble }) => {
  const data = dataset(syntheticImages({ classes: 4, train: 1024, test: 512 }));
  const recipe = {
    model: mlp({ hidden: param("hidden", 32, "hidden units of the MLP") }),
    epochs: param("epochs", 3, "epochs per generation"),
    batchSize: 64,
    lr: param("lr", 0.05, "initial learning rate"),
    weightDecay: 5e-4,
  };
  const teacher = train("teacher", { ...recipe, data, loss: crossEntropy() });
  const gen1 = train("gen1", { ...recipe, data, loss: kd(), teacher });
  const gen2 = train("gen2", { ...recipe, data, loss: kd(), teacher: gen1 });
  const gen3 = train("gen3", { ...recipe, data, loss: kd(), teacher: gen2 });
  ensemble("bane", { members: [gen1, gen2, gen3], data });
});
