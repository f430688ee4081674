/**
 * l2 activation matching: KD plus an L2 penalty between student and teacher activations at the
 * dense blocks' outputs. The paper reports it slightly worse than plain KD. Teacher shared with
 * ban-densenet.ts.
 */
import { pipeline } from "../../lib/mod.ts";
import { kd, l2Activation, weightedSum } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";

export default pipeline("ablation-l2-activation", (b) => {
  const { recipe, teacher } = densenetTeacher(b);
  const weight = b.param("l2Weight", 1, "weight of the activation term");
  const loss = weightedSum([[1, kd()], [
    weight,
    l2Activation({ layers: ["block1", "block2", "block3"] }),
  ]]);
  b.train("gen1", { ...recipe, loss: kd(), teacher });
  b.train("kd-l2", { ...recipe, loss, teacher });
});
