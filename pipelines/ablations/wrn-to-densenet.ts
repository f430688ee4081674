/**
 * Cross-architecture students (Table 3): a Wide-ResNet teacher (shared with ban-wrn.ts) teaching
 * a same-WRN BAN student and a DenseNet-90-60 student.
 */
import { pipeline } from "../../lib/mod.ts";
import { densenet } from "../../plugins/models/densenet.ts";
import { kd } from "../../plugins/losses/mod.ts";
import { wrnTeacher } from "../ban-wrn.ts";
import { parseDensenet } from "../common/cifar.ts";

export default pipeline("ablation-wrn-to-densenet", (b) => {
  const { recipe, teacher } = wrnTeacher(b);
  b.train("ban", { ...recipe, loss: kd(), teacher });
  const student = parseDensenet(b.param("student", "90-60", "DenseNet student, depth-growth"));
  b.train("densenet-student", { ...recipe, model: densenet(student), loss: kd(), teacher });
});
