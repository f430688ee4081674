/**
 * The `webgpu` executor: tfjs-backend-webgpu on Deno's built-in WebGPU, on a hardware adapter
 * only. Software adapters (llvmpipe, SwiftShader, WARP: `isFallbackAdapter`) are refused: they
 * are far slower than the wasm executor.
 *
 * @module
 */
import type { LoadedExecutor } from "../executor.ts";
import { ExecutorUnavailable } from "../executor.ts";

/** The minimal WebGPU surface used here (Deno's lib types may lack it). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
}

/** Names of software rasterisers, refused even when the adapter does not flag itself. */
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render|warp/i;

/** Options for {@linkcode load} and {@linkcode hardwareAdapter}. */
export interface WebgpuOptions {
  /**
   * Accept a software adapter (llvmpipe and the like): for tests of the kernels on machines
   * without a GPU, never for runs.
   */
  allowSoftwareAdapter?: boolean;
}

/** The adapter WebGPU offers: its name, and whether it is a software rasteriser. */
export async function findAdapter(): Promise<{ label: string; software: boolean }> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) throw new ExecutorUnavailable("webgpu", "this Deno has no WebGPU (navigator.gpu)");
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new ExecutorUnavailable("webgpu", "WebGPU offers no adapter on this machine");
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") ||
    "unnamed adapter";
  const software = adapter.isFallbackAdapter || info.isFallbackAdapter || SOFTWARE.test(label);
  return { label, software: Boolean(software) };
}

/** Describe the adapter WebGPU offers, or throw why it cannot be used. */
export async function hardwareAdapter(options: WebgpuOptions = {}): Promise<string> {
  const { label, software } = await findAdapter();
  if (software && !options.allowSoftwareAdapter) {
    throw new ExecutorUnavailable(
      "webgpu",
      `the only WebGPU adapter is a software fallback (${label}); use the wasm executor instead`,
    );
  }
  return label;
}

/** Load TensorFlow.js on the webgpu backend. */
export async function load(
  options: WebgpuOptions = {},
): Promise<LoadedExecutor & { notes: string[] }> {
  const adapter = await hardwareAdapter(options);
  const tf = await import("@tensorflow/tfjs-core");
  const webgpu = await import("@tensorflow/tfjs-backend-webgpu");
  const tfl = await import("@tensorflow/tfjs-layers");
  if (!(await tf.setBackend("webgpu"))) {
    throw new ExecutorUnavailable("webgpu", `tfjs-backend-webgpu did not start on ${adapter}`);
  }
  await tf.ready();
  const { registerAllGradients } = await import("../register_all_gradients.ts");
  registerAllGradients(tf);
  return {
    name: "webgpu",
    backend: tf.getBackend(),
    threads: 1,
    ctx: { tf, tfl },
    versions: {
      "tfjs-core": tf.version_core,
      "tfjs-layers": tfl.version_layers,
      "tfjs-backend-webgpu": (webgpu as { version_webgpu?: string }).version_webgpu ?? "4.22.0",
    },
    notes: [`adapter: ${adapter}`],
  };
}
