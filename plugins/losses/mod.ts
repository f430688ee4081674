/** The loss plugins, re-exported for pipeline files. @module */
export { crossEntropy } from "./cross_entropy.ts";
export { kd } from "./kd.ts";
