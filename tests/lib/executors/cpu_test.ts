import { load } from "../../../lib/executors/cpu.ts";
import { executorConformance } from "./conformance.ts";

executorConformance("cpu", load);
