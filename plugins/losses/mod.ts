/** The loss plugins, re-exported for pipeline files. @module */
export { banL } from "./ban_l.ts";
export { crossEntropy } from "./cross_entropy.ts";
export { cwtm } from "./cwtm.ts";
export { dkpp } from "./dkpp.ts";
export { kd } from "./kd.ts";
export { l2Activation } from "./l2_activation.ts";
export { weightedSum } from "./weighted_sum.ts";
