/**
 * oneDNN 2.x enum values and argument indices (from `dnnl_types.h` of oneDNN 2.6; these values are
 * stable across the 2.x series).
 *
 * @module
 */

/** `dnnl_status_t` names, indexed by value, for error messages. */
export const STATUS_NAMES = [
  "success",
  "out_of_memory",
  "invalid_arguments",
  "unimplemented",
  "iterator_ends",
  "runtime_error",
  "not_required",
];

/** Data types. */
export const DT = { f32: 3, s32: 4 } as const;

/** Memory format tags (plain layouts by dimension order, `any` lets the primitive choose). */
export const TAG = {
  any: 1,
  a: 2,
  ab: 3,
  abc: 4,
  abcd: 5,
  abcde: 7,
  abcdef: 8,
  abdc: 15,
  acb: 17,
  acdb: 20,
  ba: 22,
  bacd: 24,
  cdba: 30,
} as const;

/** Propagation kinds. */
export const PROP = {
  forwardTraining: 64,
  forwardInference: 96,
  backward: 128,
  backwardData: 160,
  backwardWeights: 192,
} as const;

/** Algorithm kinds. */
export const ALG = {
  convolutionDirect: 1,
  eltwiseRelu: 31,
  eltwiseReluUseDst: 256,
  eltwiseTanh: 47,
  eltwiseTanhUseDst: 257,
  eltwiseLogistic: 175,
  eltwiseLogisticUseDst: 260,
  eltwiseLinear: 127,
  eltwiseExp: 191,
  eltwiseExpUseDst: 261,
  eltwiseLog: 239,
  eltwiseSquare: 79,
  eltwiseSqrt: 111,
  eltwiseSqrtUseDst: 259,
  eltwiseAbs: 95,
  eltwiseElu: 63,
  eltwiseClip: 255,
  binaryAdd: 131056,
  binaryMul: 131057,
  binaryMax: 131058,
  binaryMin: 131059,
  binaryDiv: 131060,
  binarySub: 131061,
  poolingMax: 511,
  poolingAvgIncludePadding: 767,
  poolingAvgExcludePadding: 1023,
  softmaxAccurate: 196608,
  softmaxLog: 196609,
  reductionMax: 196594,
  reductionMin: 196595,
  reductionSum: 196596,
  reductionMean: 196598,
} as const;

/** Batch-normalisation flags. */
export const BN_FLAG = {
  useGlobalStats: 1,
  fuseNormRelu: 4,
  useScale: 8,
  useShift: 16,
} as const;

/** Primitive-descriptor queries. */
export const QUERY = {
  implInfoStr: 8,
  srcMd: 129,
  diffSrcMd: 130,
  weightsMd: 131,
  diffWeightsMd: 132,
  dstMd: 133,
  diffDstMd: 134,
  workspaceMd: 135,
  scratchpadMd: 136,
} as const;

/** Execution argument indices (`DNNL_ARG_*`). */
export const ARG = {
  src: 1,
  src1: 2,
  dst: 17,
  weights: 33,
  bias: 41,
  mean: 49,
  variance: 50,
  scale: 51,
  shift: 52,
  workspace: 64,
  scratchpad: 80,
  diffSrc: 129,
  diffDst: 145,
  diffWeights: 161,
  diffBias: 169,
  diffScale: 255,
  diffShift: 256,
  /** The first binary post-op's second input. */
  postOp0Src1: 16384 | 2,
} as const;

/** Engine kind and stream flags. */
export const ENGINE_CPU = 1;
/** `dnnl_stream_default_flags`. */
export const STREAM_DEFAULT = 1;
