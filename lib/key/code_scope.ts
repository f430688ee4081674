/**
 * Which code a step's key covers. A key fingerprints the code that computes a step's result: the
 * numerical roots of its kind (below), the plugin and dataset modules it names, and every local
 * module they import, except plumbing. Plumbing (errors, events, logs, plugin resolution, graph
 * checks, dataset download and checksums) does not change a result, or changes it only through
 * something the key already hashes (resolved params, descriptors, the dataset's content
 * fingerprint); the walk neither hashes nor enters it. `ENGINE_VERSION` covers plumbing instead:
 * bump it when a change there does change results.
 *
 * `tests/lib/key/code_scope_test.ts` pins the files a train and an ensemble step fingerprint, so
 * a new import into numerical code is a decision made in review.
 *
 * @module
 */
import type { StepSpec } from "../spec/step.ts";

/** Bump when code outside the fingerprinted set changes what a step computes. */
export const ENGINE_VERSION = 1;

/** The numerical code of each step kind (project-relative), walked with its local imports. */
export const STEP_ROOTS = {
  /** Student build, transfer, loss preparation, the loop (optimiser, checkpoints, evaluation). */
  train: ["lib/train/student.ts", "lib/train/weights_io.ts"],
  /** The averaged softmax of the members, evaluated with their recipe's batch shape. */
  ensemble: ["lib/train/ensemble.ts", "lib/train/weights_io.ts"],
} as const satisfies Record<StepSpec["kind"], readonly string[]>;

/**
 * Plumbing, relative to the project root; a trailing `/` names a whole folder. Anything not listed
 * here is fingerprinted when a root, plugin or dataset imports it: the safe default.
 */
export const PLUMBING: readonly string[] = [
  // Error classes and their messages.
  "lib/errors.ts",
  // Declaration and its checks: the key hashes their output (resolved recipe, descriptors).
  "lib/dsl/",
  "lib/graph/",
  "lib/spec/",
  "lib/plugin/",
  "lib/key/",
  // Running a step: loading inputs from the store, events, logs, committing outputs.
  "lib/worker/",
  "lib/store/",
  // Paths, hashing for fingerprints, yielding to the event loop.
  "lib/util/path.ts",
  "lib/util/project_root.ts",
  "lib/util/hash.ts",
  "lib/util/canonical_json.ts",
  "lib/util/yield.ts",
  // Dataset acquisition: every byte it delivers is in the dataset's content fingerprint.
  "datasets/acquire.ts",
  "datasets/data_dir.ts",
  "datasets/dataset_error.ts",
  "datasets/download.ts",
  "datasets/extract.ts",
  "datasets/file_lock.ts",
  "datasets/md5.ts",
  "datasets/sources.ts",
];

/** True when the project-relative `path` is plumbing (not part of any key's code). */
export function isPlumbing(path: string): boolean {
  return PLUMBING.some((p) => p.endsWith("/") ? path.startsWith(p) : path === p);
}
