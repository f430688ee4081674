/**
 * BAN-ResNet students of a DenseNet teacher (the paper's Table 4 setup): the student keeps the
 * teacher's first convolution and final fully connected layer, copied and frozen, with the dense
 * blocks replaced by residual blocks (stem and last stage widths match the DenseNet's). The
 * teacher is shared with ban-densenet.ts.
 */
import { pipeline } from "../../lib/mod.ts";
import { resnet } from "../../plugins/models/resnet.ts";
import { kd } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";
import { densenetWidths } from "../common/cifar.ts";

export default pipeline("ablation-densenet-to-resnet", (b) => {
  const { recipe, teacher, arch } = densenetTeacher(b);
  const { stem, final } = densenetWidths(arch);
  const model = resnet({
    depth: b.param("resnetDepth", 56, "depth of the ResNet student, 6n+2"),
    preact: true,
    shortcut: "B",
    stemChannels: stem,
    channels: [stem, 2 * stem, final],
  });
  b.train("ban-resnet", {
    ...recipe,
    model,
    loss: kd(),
    teacher,
    transfer: { from: teacher, layers: ["conv0", "fc"], freeze: true },
  });
});
