/**
 * A loop worker: when the main thread posts a channel pass (host/channel_passes.ts), a filter
 * gradient (host/filter_grad_loops.ts) or a convolution (host/conv_loops.ts) in its control block
 * (protocol.ts), it takes chunks of it from the shared counter until none are left, on the wasm
 * heap, then reports done. It blocks in Atomics.wait between jobs, so it costs nothing while
 * other kernels compute.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { channelCombine, channelScale, channelSums, maskBy } from "../host/channel_passes.ts";
import { type ConvGeometry, convolveImages } from "../host/conv_loops.ts";
import {
  accumulateFilterGrad,
  CONV_SHAPE_FIELDS,
  type ConvShape,
  type FilterGeometry,
} from "../host/filter_grad_loops.ts";
import { controlViews, F, nextChunk, OP, STATE } from "./protocol.ts";

const { memory, control, counter: counterBuffer } = workerData as {
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  counter: SharedArrayBuffer;
};
/** The chunk counter shared by every thread of the pool. */
const counter = new Int32Array(counterBuffer);
const { header, factors, sums } = controlViews(control);

/** A float32 view of the heap (re-read each job: the heap may have grown). */
function heap(offsetField: number, length: number): Float32Array {
  return new Float32Array(memory.buffer, header[offsetField] >>> 0, length);
}

/** A byte offset posted in the header (stored as int32). */
const at = (field: number) => header[field] >>> 0;

/** The convolution shape posted in the header. */
function shape(): ConvShape {
  return Object.fromEntries(
    CONV_SHAPE_FIELDS.map((k) => [k, header[F[k]]]),
  ) as unknown as ConvShape;
}

/** Run `part` on every chunk this thread wins. */
function eachChunk(part: (lo: number, hi: number) => void): void {
  const from = header[F.from], to = header[F.to], chunk = header[F.chunk];
  for (let r = nextChunk(counter, from, to, chunk); r; r = nextChunk(counter, from, to, chunk)) {
    part(r[0], r[1]);
  }
}

function runJob(): void {
  const c = header[F.c], length = header[F.length];
  const [fa, fb, fd] = factors.map((f) => f.subarray(0, c));
  switch (header[F.op]) {
    case OP.sums: {
      const [s, sp] = sums.map((x) => x.subarray(0, c).fill(0));
      const [a, b] = [heap(F.a, length), heap(F.b, length)];
      eachChunk((lo, hi) => channelSums(a, b, c, s, sp, lo, hi));
      break;
    }
    case OP.scale: {
      const [u, out, relu] = [heap(F.a, length), heap(F.out, length), header[F.relu] === 1];
      eachChunk((lo, hi) => channelScale(u, c, fa, fd, relu, out, lo, hi));
      break;
    }
    case OP.combine: {
      const [u, v, out] = [heap(F.a, length), heap(F.b, length), heap(F.out, length)];
      eachChunk((lo, hi) => channelCombine(u, v, c, fa, fb, fd, out, lo, hi));
      break;
    }
    case OP.mask: {
      const [a, mask, out] = [heap(F.a, length), heap(F.b, length), heap(F.out, length)];
      eachChunk((lo, hi) => maskBy(a, mask, out, lo, hi));
      break;
    }
    case OP.filterGrad: {
      const g: FilterGeometry = { n: 0, ...shape() };
      heap(F.out, length).fill(0);
      const [x, dy, acc] = [at(F.a), at(F.b), at(F.out)];
      eachChunk((lo, hi) => accumulateFilterGrad(memory, g, x, dy, acc, lo, hi));
      break;
    }
    case OP.conv: {
      const g: ConvGeometry = {
        ...shape(),
        outPix: header[F.outPix],
        outRow: header[F.outRow],
        outImage: header[F.outImage],
        flags: header[F.flags],
      };
      const p = { x: at(F.a), filter: at(F.b), out: at(F.out), bias: at(F.bias) };
      eachChunk((lo, hi) => convolveImages(memory, g, p, lo, hi));
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
