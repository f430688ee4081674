/**
 * The paper's Table 6, LSTM: a word-level LSTM language model on Penn Treebank (Zaremba et al.'s
 * large configuration, tied weights, dropout 0.65) and a born-again student trained with BAN+L
 * (label cross-entropy plus the teacher term; LSTMs "work only" with it). SGD, batch 32, lr 1,
 * x0.25 when validation perplexity does not improve, 35-step BPTT, 40 epochs. The global gradient
 * norm is clipped as Zaremba et al. (2014, §4.1) do: at 5 for their small and medium models, at
 * 10 for the large one (`--set clip=...` to change it). Their code clips the gradient of the loss
 * summed over the 35 unrolled steps (averaged over the batch), 35 times that of the per-token mean
 * trained here: at the same lr and clip, steps here are up to 35 times smaller.
 *
 *   deno task run pipelines/ban-lstm.ts --set preset=small --set epochs=2   # a CPU-sized look
 */
import { pipeline } from "../lib/mod.ts";
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
  };
  const teacher = b.train("teacher", { ...recipe, loss: crossEntropy() });
  b.train("ban-l", { ...recipe, loss: banL(), teacher });
});
