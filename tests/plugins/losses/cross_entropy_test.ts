import { crossEntropy } from "../../../plugins/losses/cross_entropy.ts";
import {
  assertAllClose,
  cpuContext,
  inputsOf,
  LABELS,
  LOGITS,
  oneHot,
  rowCrossEntropy,
  softmax,
  valueAndGrad,
} from "./helpers.ts";

Deno.test("crossEntropy is the mean label cross-entropy with gradient (q - y) / N", async () => {
  const ctx = await cpuContext();
  const { value, grad } = valueAndGrad(crossEntropy.plugin, {}, inputsOf(ctx));
  const n = LOGITS.length;
  const want = LOGITS.reduce((acc, z, s) => acc + rowCrossEntropy(oneHot(LABELS[s], 4), z), 0);
  assertAllClose(value, want / n);
  assertAllClose(
    grad,
    LOGITS.map((z, s) => softmax(z).map((q, i) => (q - oneHot(LABELS[s], 4)[i]) / n)),
  );
});
