/**
 * CWTM (Eq. 10): label cross-entropy with each example weighted by the teacher's confidence,
 * normalised over the mini-batch; no dark knowledge. Teacher shared with ban-densenet.ts.
 */
import { pipeline } from "../../lib/mod.ts";
import { cwtm } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";

export default pipeline("ablation-cwtm", (b) => {
  const { recipe, teacher } = densenetTeacher(b);
  b.train("cwtm", { ...recipe, loss: cwtm(), teacher });
});
