/**
 * The ModelInstance of a recurrent language model whose `net` maps
 * `[...dataInputs, ...initialStates] → [logits, ...activations, ...finalStates]`. The final state
 * of one window is the initial state of the next (truncated BPTT: no gradient flows across
 * windows, since each step's tape starts afresh), until `resetState()`; a change of batch size
 * also starts from zeros. A carried state is disposed one forward pass after it was consumed,
 * when the training step that read it has finished its backward pass.
 *
 * @module
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { ModelInstance, TfContext } from "../../../lib/plugin/runtime.ts";

/** How to wrap a recurrent net. */
export interface StatefulOptions {
  activationNames: string[];
  /** Width of each state input, in the net's input order after the data inputs. */
  stateWidths: number[];
  /** The data inputs of the net, from what `forward` receives. */
  dataInputs(input: { x: tfc.Tensor; chars?: tfc.Tensor }): tfc.Tensor[];
}

/** Wrap `net` so state carries across calls of `forward`. */
export function statefulInstance(
  { tf }: TfContext,
  net: tfl.LayersModel,
  o: StatefulOptions,
): ModelInstance {
  let state: tfc.Tensor[] | null = null;
  let retired: tfc.Tensor[] = [];
  const nActs = o.activationNames.length;
  return {
    net,
    activationNames: o.activationNames,
    forward(input, { training, activations }) {
      for (const t of retired) t.dispose();
      retired = [];
      const batch = input.x.shape[0];
      if (state && state[0].shape[0] !== batch) (retired = state), (state = null);
      const initial = state ?? o.stateWidths.map((w) => tf.zeros([batch, w]));
      const outs = net.apply([...o.dataInputs(input), ...initial], { training }) as tfc.Tensor[];
      if (state) retired = state;
      state = outs.slice(1 + nActs).map((t) => tf.keep(t));
      const logits = outs[0];
      if (!activations) return { logits };
      const acts = outs.slice(1, 1 + nActs);
      return {
        logits,
        activations: Object.fromEntries(o.activationNames.map((n, i) => [n, acts[i]])),
      };
    },
    resetState() {
      if (state) retired.push(...state);
      state = null;
    },
  };
}
