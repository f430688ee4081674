/**
 * Whether a step's worker must download its dataset, and so needs the network and write access
 * to the data dir: only the project's datasets download (CIFAR-10, CIFAR-100, PTB), and only
 * when a file they would fetch is missing. Planning checks the files already present; the
 * worker fetches what is missing (`datasets/acquire.ts`).
 *
 * @module
 */
import { join } from "node:path";
import type { DatasetDescriptor } from "../plugin/descriptor.ts";
import {
  CIFAR100_SOURCE,
  CIFAR10_SOURCE,
  type DatasetSource,
  PTB_SOURCE,
} from "../../datasets/sources.ts";

/** The files behind each downloading dataset, by `module#export`. */
const SOURCES: Record<string, DatasetSource> = {
  "datasets/cifar.ts#cifar10": CIFAR10_SOURCE,
  "datasets/cifar.ts#cifar100": CIFAR100_SOURCE,
  "datasets/ptb.ts#ptb": PTB_SOURCE,
};

function present(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Whether the worker of a step on `dataset` will download files into `dataDir`: a verified
 * dataset fetches every missing file, an unverified one (`--no-verify`, `verify: false`) only
 * when a required file is missing (as `datasets/acquire.ts` decides).
 */
export function mustDownload(
  dataset: DatasetDescriptor,
  dataDir: string,
  verify: boolean,
): boolean {
  const source = SOURCES[`${dataset.module}#${dataset.export}`];
  if (!source) return false;
  const verified = verify && dataset.params.verify !== false;
  return source.files.some((f) =>
    (verified || !f.optional) && !present(join(dataDir, source.dir, f.name))
  );
}
