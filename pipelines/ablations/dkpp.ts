/**
 * DKPP (Eq. 11): the teacher's outputs with the non-argmax probabilities permuted among the
 * non-argmax classes (per sample by default, `--set permute=batch` for one permutation a batch).
 * Teacher shared with ban-densenet.ts.
 */
import { pipeline } from "../../lib/mod.ts";
import { dkpp } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";

export default pipeline("ablation-dkpp", (b) => {
  const { recipe, teacher } = densenetTeacher(b);
  const permute = b.param("permute", "sample", "sample or batch");
  b.train("dkpp", { ...recipe, loss: dkpp({ permute }), teacher });
});
