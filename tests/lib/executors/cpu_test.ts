import { CPU_KERNELS } from "../../../lib/executors/cpu/register_all_kernels.ts";
import { load } from "../../../lib/executors/cpu/mod.ts";
import { executorConformance } from "./conformance.ts";

// The cpu executor keeps tfjs-layers' own batch-norm code: it is the reference.
executorConformance("cpu", load, { kernels: CPU_KERNELS.map((k) => k.kernelName) });
