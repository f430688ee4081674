/**
 * SGD with (Nesterov) momentum and coupled weight decay, as in PyTorch's `torch.optim.SGD`:
 *   g ← g + wd·w;  v ← μ·v + g;  w ← w − lr·(g + μ·v) (Nesterov) or w − lr·v.
 * Written here rather than taken from tf.train so its state (the velocities) is plain data that
 * checkpoints save and restore exactly.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";

/** Optimiser settings. */
export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** An SGD optimiser over a fixed list of variables. */
export class Sgd {
  readonly velocities: tfc.Variable[];
  constructor(
    private readonly tf: typeof tfc,
    readonly variables: tfc.Variable[],
    readonly options: SgdOptions,
  ) {
    this.velocities = options.momentum > 0
      ? variables.map((v) => {
        const zeros = tf.zerosLike(v);
        const velocity = tf.variable(zeros, false);
        zeros.dispose(); // the variable keeps its own reference to the data
        return velocity;
      })
      : [];
  }

  /** Apply one update with learning rate `lr`; `grads` are in `variables` order. */
  apply(grads: tfc.Tensor[], lr: number): void {
    const { tf } = this;
    const { momentum: mu, nesterov, weightDecay: wd } = this.options;
    tf.tidy(() => {
      this.variables.forEach((w, i) => {
        let g = grads[i];
        if (wd > 0) g = tf.add(g, tf.mul(w, wd));
        let step = g;
        if (mu > 0) {
          const v = this.velocities[i];
          const vNew = tf.add(tf.mul(v, mu), g);
          v.assign(vNew);
          step = nesterov ? tf.add(g, tf.mul(vNew, mu)) : vNew;
        }
        w.assign(tf.sub(w, tf.mul(step, lr)));
      });
    });
  }

  /** Velocities as typed arrays (for checkpoints). */
  async state(): Promise<Float32Array[]> {
    return await Promise.all(this.velocities.map((v) => v.data() as Promise<Float32Array>));
  }

  /** Restore velocities saved by {@linkcode state}. */
  restore(state: Float32Array[]): void {
    if (state.length !== this.velocities.length) {
      throw new Error(
        `Checkpoint has ${state.length} optimiser slots, optimiser has ${this.velocities.length}`,
      );
    }
    this.velocities.forEach((v, i) => {
      const t = this.tf.tensor(state[i], v.shape);
      v.assign(t);
      t.dispose();
    });
  }

  dispose(): void {
    for (const v of this.velocities) v.dispose();
  }
}

/** Scale gradients so their global L2 norm is at most `maxNorm` (returns new tensors). */
export function clipByGlobalNorm(
  tf: typeof tfc,
  grads: tfc.Tensor[],
  maxNorm: number,
): tfc.Tensor[] {
  return tf.tidy(() => {
    const sq = grads.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(sq));
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6)));
    return grads.map((g) => tf.mul(g, scale));
  });
}
