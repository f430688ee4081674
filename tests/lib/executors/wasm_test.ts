import { TRAINING_BATCH_NORM } from "../../../lib/executors/kernel_names.ts";
import { WASM_KERNELS } from "../../../lib/executors/wasm/register_all_kernels.ts";
import { load } from "../../../lib/executors/wasm/mod.ts";
import { executorConformance } from "./conformance.ts";

executorConformance("wasm", load, {
  kernels: WASM_KERNELS.map((k) => k.kernelName),
  batchNormKernel: TRAINING_BATCH_NORM,
});
