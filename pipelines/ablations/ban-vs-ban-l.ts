/**
 * BAN vs BAN+L on CIFAR-100 DenseNets (Table 2's BAN and BAN+L columns): the same teacher as
 * pipelines/ban-densenet.ts (shared through the cache), one student with the teacher term only
 * and one with the label term added.
 */
import { pipeline } from "../../lib/mod.ts";
import { banL, kd } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";

export default pipeline("ablation-ban-vs-ban-l", (b) => {
  const { recipe, teacher } = densenetTeacher(b);
  b.train("gen1", { ...recipe, loss: kd(), teacher });
  b.train("ban-l", { ...recipe, loss: banL(), teacher });
});
