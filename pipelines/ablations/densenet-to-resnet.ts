/**
 * BAN-ResNet students of a DenseNet teacher (the paper's DenseNet → ResNet table, §4.1): each
 * student replaces the teacher's dense blocks by stages of pre-activation residual blocks whose
 * width matches the dense block's output after its 1×1 compression, and shares the teacher's first
 * convolution and final fully connected layer, copied and frozen. Teacher DenseNet-BC-90-60 as in
 * the paper (`--set arch=...` for another; the teacher is shared with ban-densenet.ts).
 *
 * Students are named block-blocks-width: `wide-2-1` has two Wide-ResNet blocks per stage at the
 * teacher's widths, `bottleneck-14-0.5` fourteen bottleneck blocks at half width. The default list
 * is the paper's rows (BAN-Wide-ResNet-1-1, 2-1, 4-0.5, 4-1, BAN-Pre-ResNet-14-0.5, 14-1):
 *
 *   deno task plan pipelines/ablations/densenet-to-resnet.ts    # each student's parameters
 *   deno task run pipelines/ablations/densenet-to-resnet.ts --set students=wide-1-1,wide-2-1
 */
import { pipeline } from "../../lib/mod.ts";
import { densenetResnet, densenetStudentShape } from "../../plugins/models/densenet_resnet.ts";
import { kd } from "../../plugins/losses/mod.ts";
import { densenetTeacher } from "../ban-densenet.ts";

/** The paper's students, in its table's order. */
const PAPER_STUDENTS = "wide-1-1,wide-2-1,wide-4-0.5,wide-4-1,bottleneck-14-0.5,bottleneck-14-1";

/** `"wide-2-0.5"` → block "wide", 2 blocks per stage, width 0.5. */
function parseStudent(spec: string): { block: string; blocks: number; width: number } {
  const m = /^(wide|bottleneck)-(\d+)-(\d+(?:\.\d+)?)$/.exec(spec.trim());
  if (!m) {
    throw new Error(
      `Param "students" lists block-blocks-width names such as wide-2-1 or bottleneck-14-0.5: ` +
        `got ${JSON.stringify(spec)}`,
    );
  }
  return { block: m[1], blocks: Number(m[2]), width: Number(m[3]) };
}

export default pipeline("ablation-densenet-to-resnet", (b) => {
  const { recipe, teacher, arch } = densenetTeacher(b, "90-60");
  const list = b.param("students", PAPER_STUDENTS, "students, block-blocks-width, comma-separated");
  for (const spec of list.split(",")) {
    const model = densenetResnet({ ...parseStudent(spec), ...densenetStudentShape(arch) });
    b.train(`ban-${spec.trim()}`, {
      ...recipe,
      model,
      loss: kd(),
      teacher,
      transfer: { from: teacher, layers: ["conv0", "fc"], freeze: true },
    });
  }
});
