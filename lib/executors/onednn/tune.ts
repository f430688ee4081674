/**
 * Pick the fastest of oneDNN's implementations for a primitive by running each. oneDNN ranks its
 * implementations by heuristics that measured wrong on these machines: for the 3-channel input
 * layer its first choice of backward-data kernel ran ten times slower than the next one, and
 * the choice between brgconv, jit and gemm kernels for 16- to 64-channel layers varies by shape.
 * Each candidate runs once to warm up, then the best of a few timed runs decides.
 *
 * Off by default (BORN_AGAIN_DNNL_TUNE=1 turns it on): on machines whose cores are shared with
 * other work, the timings that decide are noisy enough that whole training steps measured slower
 * with the measured choices than with oneDNN's first choice.
 *
 * @module
 */
import type { Dnnl, MemDesc, Primitive } from "./dnnl.ts";

/** The environment variable that turns measuring on ("1"). */
export const TUNE_ENV = "BORN_AGAIN_DNNL_TUNE";

const TIMED_RUNS = 2;

function tuningEnabled(): boolean {
  try {
    return Deno.env.get(TUNE_ENV) === "1";
  } catch {
    return false;
  }
}

/**
 * Create the fastest primitive among `pds` (all implementations of one operation; the rest are
 * destroyed). `argsOf` lists a candidate's arguments; scratch buffers sized from them feed the
 * timed runs. Reference implementations are only taken when nothing else exists. With `measure`
 * false, oneDNN's first choice is taken.
 */
export function fastestPrimitive(
  d: Dnnl,
  pds: Deno.PointerValue[],
  argsOf: (pd: Deno.PointerValue) => Array<[number, MemDesc]>,
  measure = true,
): Primitive {
  const usable = pds.filter((pd) => !d.implName(pd).startsWith("ref"));
  const candidates = usable.length ? usable : pds.slice(0, 1);
  for (const pd of pds) if (!candidates.includes(pd)) d.lib.dnnl_primitive_desc_destroy(pd);
  if (candidates.length === 1 || !measure || !tuningEnabled()) {
    for (const pd of candidates.slice(1)) d.lib.dnnl_primitive_desc_destroy(pd);
    return d.primitive(candidates[0], argsOf(candidates[0]));
  }
  let best: Primitive | undefined;
  let bestMs = Infinity;
  for (const pd of candidates) {
    const prim = d.primitive(pd, argsOf(pd));
    const data = prim.bytes.map((n) => new Float32Array(Math.ceil(n / 4)));
    prim.run(data);
    let ms = Infinity;
    for (let i = 0; i < TIMED_RUNS; i++) {
      const t0 = performance.now();
      prim.run(data);
      ms = Math.min(ms, performance.now() - t0);
      // A candidate far behind the best so far is not worth more runs.
      if (ms > 3 * bestMs) break;
    }
    if (ms < bestMs) {
      best?.destroy();
      best = prim;
      bestMs = ms;
    } else {
      prim.destroy();
    }
  }
  return best!;
}
