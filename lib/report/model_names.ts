/**
 * Short, conventional model names for tables (`ResNet-56`, `WRN-28-10`, `DenseNet-BC-100`)
 * instead of the full descriptor, which the report lists once below its table.
 *
 * @module
 */
import type { AnyDescriptor } from "../plugin/descriptor.ts";

type Params = Record<string, unknown>;
const preset = (
  name: string,
  p: Params,
) => (typeof p.preset === "string" ? `${name}-${p.preset}` : name);

const SHORT: Record<string, (p: Params) => string | undefined> = {
  resnet: (
    p,
  ) => (typeof p.depth === "number" ? `${p.preact ? "PreAct-" : ""}ResNet-${p.depth}` : undefined),
  wrn: (p) =>
    typeof p.depth === "number" && typeof p.widen === "number"
      ? `WRN-${p.depth}-${p.widen}`
      : undefined,
  densenet: (p) =>
    typeof p.depth === "number"
      ? `DenseNet-${
        p.bottleneck && typeof p.compression === "number" && p.compression < 1 ? "BC-" : ""
      }${p.depth}`
      : undefined,
  densenetResnet: (
    p,
  ) => (typeof p.block === "string" ? `ResNet-${p.block} (DenseNet student)` : undefined),
  mlp: (p) =>
    typeof p.hidden === "number" && typeof p.layers === "number"
      ? `MLP ${p.layers}×${p.hidden}`
      : undefined,
  lstm: (p) => preset("LSTM", p),
  cnnLstm: (p) => preset("CNN-LSTM", p),
};

/** The short name of a model descriptor; the descriptor's own name for models it does not know. */
export function shortModel(d: AnyDescriptor | undefined): string | undefined {
  if (!d) return undefined;
  return SHORT[d.name]?.(d.params ?? {}) ?? d.name;
}
