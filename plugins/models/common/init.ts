/**
 * Seeded weight initialisers as the reference implementations use them, and a seed stream that
 * gives every layer its own seed in build order (same model seed → same weights).
 *
 * @module
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { mixSeed } from "../../../lib/util/rng.ts";

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Seeded initialisers for one model build; each call draws the next layer seed. */
export interface Inits {
  /**
   * He normal over fan-out, N(0, 2 / (k·k·filters)), untruncated as in the ResNet, WRN and
   * DenseNet reference code (tfjs's `heNormal` truncates at 2σ, shrinking the spread by ~12%).
   */
  conv(kernel: number, filters: number): Initializer;
  /** U(±1/sqrt(fanIn)): the default of the references' linear layers (torch nn.Linear). */
  linear(): Initializer;
  /** U(±scale): Zaremba et al. and Kim et al. initialise every weight this way. */
  uniform(scale: number): Initializer;
  /** The next raw seed, for layers that take one directly. */
  next(): number;
}

/** Initialisers whose seeds derive from `seed` and the order they are asked for. */
export function seededInits(t: typeof tfl, seed: number): Inits {
  let counter = 0;
  const next = () => mixSeed(seed, ++counter);
  return {
    conv: (kernel, filters) =>
      t.initializers.randomNormal({
        mean: 0,
        stddev: Math.sqrt(2 / (kernel * kernel * filters)),
        seed: next(),
      }),
    linear: () =>
      t.initializers.varianceScaling({
        scale: 1 / 3,
        mode: "fanIn",
        distribution: "uniform",
        seed: next(),
      }),
    uniform: (scale) =>
      t.initializers.randomUniform({ minval: -scale, maxval: scale, seed: next() }),
    next,
  };
}
