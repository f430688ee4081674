/** Seeds derived from a step's name and replicate, so each generation gets its own init. @module */
import { sha256Hex } from "../util/hash.ts";

/** A 31-bit seed from the base step name and replicate index. */
export function deriveSeed(baseName: string, replicate: number): number {
  return parseInt(sha256Hex(`${baseName}#${replicate}`).slice(0, 8), 16) & 0x7fffffff;
}
