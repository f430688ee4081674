import * as native from "../../../lib/executors/native/mod.ts";
import { tfjsNodeConformance } from "./tfjs_node_conformance.ts";

await tfjsNodeConformance("native", native);
