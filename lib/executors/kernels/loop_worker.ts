/**
 * A loop worker: runs its share of a channel pass (channel_passes.ts) or of a filter gradient
 * (filter_grad_loops.ts) on the wasm heap when the main thread posts one in its control block
 * (loop_protocol.ts), then reports done. It blocks
 * in Atomics.wait between jobs, so it costs nothing while XNNPACK computes.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { channelCombine, channelScale, channelSums, maskBy } from "./channel_passes.ts";
import { accumulateFilterGrad, type FilterGeometry } from "./filter_grad_loops.ts";
import { controlViews, F, OP, STATE } from "./loop_protocol.ts";
import { type RankUpdate, rankUpdateKernel } from "./rank_update_wasm.ts";

const { memory, control } = workerData as {
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
};
const { header, factors, sums } = controlViews(control);
let rankUpdate: RankUpdate | undefined;

/** A float32 view of the heap (re-read each job: the heap may have grown). */
function heap(offsetField: number, length: number): Float32Array {
  return new Float32Array(memory.buffer, header[offsetField] >>> 0, length);
}

function runJob(): void {
  const c = header[F.c], from = header[F.from], to = header[F.to], length = header[F.length];
  const [fa, fb, fd] = factors.map((f) => f.subarray(0, c));
  switch (header[F.op]) {
    case OP.sums: {
      const [s, sp] = sums.map((x) => x.subarray(0, c).fill(0));
      channelSums(heap(F.a, length), heap(F.b, length), c, s, sp, from, to);
      break;
    }
    case OP.scale:
      channelScale(
        heap(F.a, length),
        c,
        fa,
        fd,
        header[F.relu] === 1,
        heap(F.out, length),
        from,
        to,
      );
      break;
    case OP.combine:
      channelCombine(
        heap(F.a, length),
        heap(F.b, length),
        c,
        fa,
        fb,
        fd,
        heap(F.out, length),
        from,
        to,
      );
      break;
    case OP.mask:
      maskBy(heap(F.a, length), heap(F.b, length), heap(F.out, length), from, to);
      break;
    case OP.filterGrad: {
      const g: FilterGeometry = {
        n: 0,
        h: header[F.h],
        w: header[F.w],
        ci: header[F.ci],
        ho: header[F.ho],
        wo: header[F.wo],
        co: header[F.co],
        kh: header[F.kh],
        kw: header[F.kw],
        sh: header[F.sh],
        sw: header[F.sw],
        top: header[F.top],
        left: header[F.left],
      };
      heap(F.out, length).fill(0);
      rankUpdate ??= rankUpdateKernel(memory);
      const at = (field: number) => header[field] >>> 0;
      accumulateFilterGrad(rankUpdate, g, at(F.a), at(F.b), at(F.out), from, to);
      break;
    }
    default:
      throw new Error(`unknown op ${header[F.op]}`);
  }
}

while (true) {
  const state = Atomics.load(header, F.state);
  if (state !== STATE.posted) {
    Atomics.wait(header, F.state, state);
    continue;
  }
  let next: number = STATE.done;
  try {
    runJob();
  } catch {
    next = STATE.failed;
  }
  Atomics.store(header, F.state, next);
  Atomics.notify(header, F.state);
}
