/**
 * Test fixtures in the official formats: CIFAR records with known pixels and labels, gzipped
 * tar archives (built with tar-stream, as the loader reads them), and a local HTTP server.
 *
 * @module
 */
// @ts-types="@types/tar-stream"
import tar from "tar-stream";
import { createGzip } from "node:zlib";
import { Buffer } from "node:buffer";
import { md5Hex } from "../../datasets/md5.ts";

/** The pixel a fixture record has at (channel, y, x): distinct enough to track moves. */
export function fixturePixel(record: number, c: number, y: number, x: number): number {
  return (record * 37 + c * 101 + y * 8 + x) & 255;
}

/** CIFAR records: `labels[i]` holds record i's label bytes (one for CIFAR-10, two for 100). */
export function cifarBytes(labels: number[][], offset = 0): Uint8Array {
  const lead = labels[0].length;
  const record = lead + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((l, i) => {
    out.set(l, i * record);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          out[i * record + lead + c * 1024 + y * 32 + x] = fixturePixel(i + offset, c, y, x);
        }
      }
    }
  });
  return out;
}

/** A .tar.gz holding `files` (path → bytes or text). */
export async function tarGz(files: Record<string, Uint8Array | string>): Promise<Uint8Array> {
  const pack = tar.pack();
  for (const [name, data] of Object.entries(files)) {
    pack.entry({ name }, typeof data === "string" ? data : Buffer.from(data));
  }
  pack.finalize();
  const chunks: Uint8Array[] = [];
  for await (const c of pack.pipe(createGzip())) chunks.push(c as Uint8Array);
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

/** MD5 of text or bytes. */
export function md5Of(data: Uint8Array | string): string {
  return md5Hex(typeof data === "string" ? new TextEncoder().encode(data) : data);
}

/** A server on 127.0.0.1 (port chosen by the system); `requests` logs what it was asked. */
export interface LocalServer {
  url: string;
  requests: { path: string; range: string | null }[];
  close(): Promise<void>;
}

/** Serve with `handler`, recording each request. */
export function serve(
  handler: (req: Request, n: number) => Response | Promise<Response>,
): LocalServer {
  const requests: LocalServer["requests"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests.push({ path: new URL(req.url).pathname, range: req.headers.get("range") });
    return handler(req, requests.length);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** A response with `bytes`, honouring `Range: bytes=N-` with 206. */
export function fileResponse(req: Request, bytes: Uint8Array): Response {
  const m = /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
  if (m) {
    const from = Number(m[1]);
    return new Response(bytes.slice(from), {
      status: 206,
      headers: { "content-range": `bytes ${from}-${bytes.length - 1}/${bytes.length}` },
    });
  }
  return new Response(bytes.slice());
}

/** A response that sends the first `keep` bytes and then breaks the connection. */
export function brokenResponse(bytes: Uint8Array, keep: number): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes.slice(0, keep));
        return;
      }
      // Let the first bytes reach the client before the connection breaks.
      await new Promise((r) => setTimeout(r, 20));
      controller.error(new Error("connection cut by the test server"));
    },
  });
  return new Response(body, { headers: { "content-length": String(bytes.length) } });
}

/** A fresh temporary folder, and the md5 sidecar pointed into another one. */
export async function tempDataDir(): Promise<string> {
  Deno.env.set("XDG_CACHE_HOME", await Deno.makeTempDir({ prefix: "born-again-cache-" }));
  return await Deno.makeTempDir({ prefix: "born-again-data-" });
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) out.push(...await listFiles(`${dir}/${e.name}`, `${rel}/`));
    else out.push(rel);
  }
  return out.sort();
}
