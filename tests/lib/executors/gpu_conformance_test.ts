import * as gpu from "../../../lib/executors/gpu/mod.ts";
import { tfjsNodeConformance } from "./tfjs_node_conformance.ts";

await tfjsNodeConformance("gpu", gpu);
