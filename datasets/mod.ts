/**
 * The dataset plugins, for pipeline files, and the data-folder helpers, for the worker and CLI.
 *
 * ```ts
 * import { cifar100, ptb } from "../datasets/mod.ts";
 * ```
 *
 * @module
 */
export { cifar10, cifar100 } from "./cifar.ts";
export type { Cifar100Options, CifarOptions } from "./cifar.ts";
export { ptb } from "./ptb.ts";
export type { PtbOptions } from "./ptb.ts";
export { syntheticImages } from "./synthetic_images.ts";
export { syntheticText } from "./synthetic_text.ts";
export type { SyntheticTextOptions } from "./synthetic_text.ts";
export { DATA_DIR_ENV, DATA_URL_ENV, resolveDataDir } from "./data_dir.ts";
export { DatasetError } from "./dataset_error.ts";
export type { DatasetFailure } from "./dataset_error.ts";
