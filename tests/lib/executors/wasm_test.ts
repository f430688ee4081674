import { load } from "../../../lib/executors/wasm.ts";
import { executorConformance } from "./conformance.ts";

executorConformance("wasm", load);
