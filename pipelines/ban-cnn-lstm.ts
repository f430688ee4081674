/**
 * The paper's Table 6, CNN-LSTM: Kim et al.'s character-aware language model (character CNN,
 * highway layers, 2-layer LSTM) on Penn Treebank, teacher → BAN+L student. SGD, batch 20, lr 2,
 * x0.5 when validation perplexity does not drop by at least 0.5, 35-step BPTT, 40 epochs. The
 * global gradient norm is clipped at 5, as Kim et al. (2016, §4, "Optimization") do for both models
 * (`--set clip=...` to change it). Their code (`yoonkim/lstm-char-cnn` main.lua) sums the
 * batch-averaged NLL's gradients over the 35 unrolled steps before it clips (the mean over time
 * only reports the loss), so this pipeline differentiates the loss summed over time and averaged
 * over the batch by default (`--set lossReduction=mean` for the per-token mean, a gradient 35
 * times smaller). Perplexity is per word either way.
 */
import { type LossReduction, pipeline } from "../lib/mod.ts";
import { ptb } from "../datasets/ptb.ts";
import { cnnLstm } from "../plugins/models/cnn_lstm.ts";
import { banL, crossEntropy } from "../plugins/losses/mod.ts";

export default pipeline("ban-cnn-lstm", (b) => {
  const data = b.dataset(ptb({ chars: true }));
  const model = cnnLstm({ preset: b.param("preset", "large", "Kim et al. preset: small, large") });
  const recipe = {
    data,
    model,
    epochs: b.param("epochs", 40, "epochs"),
    batchSize: b.param("batchSize", 20, "sequences per batch"),
    lr: b.param("lr", 2, "initial learning rate"),
    bptt: 35,
    schedule: "plateau" as const,
    gamma: 0.5,
    plateauDelta: 0.5,
    clipNorm: b.param("clip", 5, "global gradient-norm clip (Kim et al.: 5; 0 = none)"),
    lossReduction: b.param(
      "lossReduction",
      "sum-over-time",
      "loss differentiated: sum-over-time (summed over steps, batch mean; Kim et al.) or mean",
    ) as LossReduction,
  };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  b.train("ban-l", { ...recipe, loss: banL(), teacher });
});
