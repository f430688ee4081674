import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { join } from "node:path";
import { ensureDataset } from "../../datasets/acquire.ts";
import { DatasetError } from "../../datasets/dataset_error.ts";
import { downloadFile } from "../../datasets/download.ts";
import type { DatasetSource } from "../../datasets/sources.ts";
import {
  brokenResponse,
  cifarBytes,
  exists,
  fileResponse,
  listFiles,
  md5Of,
  serve,
  tarGz,
  tempDataDir,
} from "./fixtures.ts";

const data = cifarBytes([[3], [1], [4]]);
const meta = "a\nb\nc\nd\ne\n";
const archive = await tarGz({ "fix-bin/data.bin": data, "fix-bin/meta.txt": meta });

function source(archiveMd5 = md5Of(archive)): DatasetSource {
  return {
    title: "Fixture",
    dir: "fix-bin",
    page: "https://example.invalid/fixture.html",
    archive: {
      url: "https://example.invalid/files/fix.tar.gz",
      md5: archiveMd5,
      size: archive.length,
      prefix: "fix-bin",
    },
    files: [
      { name: "data.bin", md5: md5Of(data), recordBytes: 3073 },
      { name: "meta.txt", md5: null },
    ],
  };
}

const half = archive.length >> 1;
const quick = { attempts: 3, retryDelayMs: 5 };

Deno.test("ensureDataset downloads, checks and extracts a good archive into place", async () => {
  const dir = await tempDataDir();
  const server = serve((req) => fileResponse(req, archive));
  const progress: string[] = [];
  try {
    const env = {
      dataDir: dir,
      verify: true,
      baseUrl: server.url,
      progress: (m: string) => void progress.push(m),
    };
    const files = await ensureDataset(source(), env, quick);
    assertEquals(files.map((f) => f.name), ["data.bin", "meta.txt"]);
    assertEquals(await Deno.readFile(join(dir, "fix-bin/data.bin")), data);
    assertEquals(await Deno.readTextFile(join(dir, "fix-bin/meta.txt")), meta);
    assertEquals(server.requests.map((r) => r.path), ["/fix.tar.gz"]);
    // Nothing left behind but the data: no archive, partial file, lock or extraction folder.
    assertEquals(await listFiles(dir), ["fix-bin/data.bin", "fix-bin/meta.txt"]);
    assert(progress.some((m) => /fix\.tar\.gz: .* MB/.test(m)), progress.join("\n"));
    // Present and verified: a second call fetches nothing.
    await ensureDataset(source(), env, quick);
    assertEquals(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("a downloaded archive with the wrong checksum is an error naming both md5s and is not kept", async () => {
  const dir = await tempDataDir();
  const server = serve((req) => fileResponse(req, archive));
  try {
    const bad = "0123456789abcdef0123456789abcdef";
    const e = await assertRejects(
      () => ensureDataset(source(bad), { dataDir: dir, verify: true, baseUrl: server.url }, quick),
      DatasetError,
    );
    assertEquals(e.reason, "checksum");
    assertMatch(e.message, new RegExp(`expected md5 ${bad}, got ${md5Of(archive)}`));
    assertMatch(e.message, /Fixture needs data\.bin, meta\.txt in .*fix-bin/);
    assertEquals(await exists(join(dir, "fix-bin/data.bin")), false);
    assertEquals((await listFiles(dir)).filter((f) => !f.endsWith("/")), []);
  } finally {
    await server.close();
  }
});

Deno.test("a transfer that always breaks off fails after its tries and leaves no data file", async () => {
  const dir = await tempDataDir();
  const server = serve(() => brokenResponse(archive, 100));
  try {
    const e = await assertRejects(
      () => ensureDataset(source(), { dataDir: dir, verify: true, baseUrl: server.url }, quick),
      DatasetError,
    );
    assertEquals(e.reason, "download");
    assertMatch(e.message, /after 3 tries/);
    assertMatch(e.message, /broke off|truncated/);
    assertEquals(server.requests.length, 3);
    assertEquals(await exists(join(dir, "fix-bin/data.bin")), false);
    assertEquals(await exists(join(dir, "fix-bin")), false);
  } finally {
    await server.close();
  }
});

Deno.test("a server error is reported with its status, the files needed and where to get them", async () => {
  const dir = await tempDataDir();
  const server = serve(() =>
    new Response("no", { status: 500, statusText: "Internal Server Error" })
  );
  try {
    const e = await assertRejects(
      () => ensureDataset(source(), { dataDir: dir, verify: true, baseUrl: server.url }, quick),
      DatasetError,
    );
    assertEquals(e.reason, "download");
    assertMatch(e.message, /HTTP 500/);
    assertMatch(e.message, /https:\/\/example\.invalid\/files\/fix\.tar\.gz/);
    assertEquals(server.requests.length, 1, "a server error is not retried");
    assertEquals(await exists(join(dir, "fix-bin")), false);
  } finally {
    await server.close();
  }
});

Deno.test("an unreachable host gives an error saying which files are needed, where and from where", async () => {
  const dir = await tempDataDir();
  const server = serve(() => new Response("unused"));
  const url = server.url;
  await server.close();
  const e = await assertRejects(
    () => ensureDataset(source(), { dataDir: dir, verify: true, baseUrl: url }, quick),
    DatasetError,
  );
  assertEquals(e.reason, "download");
  assertMatch(e.message, /cannot reach/);
  assertMatch(e.message, new RegExp(`needs data\\.bin, meta\\.txt in ${join(dir, "fix-bin")}`));
  assertMatch(
    e.message,
    /download https:\/\/example\.invalid\/files\/fix\.tar\.gz \(md5 [0-9a-f]{32}\)/,
  );
});

Deno.test("an interrupted download resumes with a Range request on retry", async () => {
  const dir = await tempDataDir();
  const server = serve((req, n) =>
    n === 1 ? brokenResponse(archive, half) : fileResponse(req, archive)
  );
  try {
    await ensureDataset(source(), { dataDir: dir, verify: true, baseUrl: server.url }, quick);
    assertEquals(await Deno.readFile(join(dir, "fix-bin/data.bin")), data);
    assertEquals(server.requests.map((r) => r.range), [null, `bytes=${half}-`]);
  } finally {
    await server.close();
  }
});

Deno.test("a partial download is never taken for data, and the next run completes it", async () => {
  const dir = await tempDataDir();
  let broken = true;
  const server = serve((req) =>
    broken ? brokenResponse(archive, half) : fileResponse(req, archive)
  );
  const env = { dataDir: dir, verify: true, baseUrl: server.url };
  try {
    await assertRejects(() => ensureDataset(source(), env, { attempts: 1 }), DatasetError);
    assertEquals(await exists(join(dir, "fix-bin/data.bin")), false);
    assertEquals(await listFiles(dir), [".downloads/fix.tar.gz.part"]);
    broken = false;
    const files = await ensureDataset(source(), env, { attempts: 1 });
    assertEquals(files.length, 2);
    assertEquals(await Deno.readFile(join(dir, "fix-bin/data.bin")), data);
    assertEquals(server.requests.at(-1)?.range, `bytes=${half}-`);
  } finally {
    await server.close();
  }
});

Deno.test("loose files (PTB layout) download one by one, each checked", async () => {
  const dir = await tempDataDir();
  const texts: Record<string, string> = { "a.txt": " x y \n", "b.txt": " y \n" };
  const server = serve((req) => {
    const t = texts[new URL(req.url).pathname.slice(1)];
    return t ? fileResponse(req, new TextEncoder().encode(t)) : new Response("", { status: 404 });
  });
  const loose: DatasetSource = {
    title: "Loose",
    dir: "loose",
    page: "https://example.invalid/",
    files: Object.entries(texts).map(([name, t]) => ({
      name,
      md5: md5Of(t),
      url: `https://example.invalid/data/${name}`,
    })),
  };
  try {
    await ensureDataset(loose, { dataDir: dir, verify: true, baseUrl: server.url }, quick);
    assertEquals(await Deno.readTextFile(join(dir, "loose/b.txt")), texts["b.txt"]);
    assertEquals(await listFiles(dir), ["loose/a.txt", "loose/b.txt"]);
  } finally {
    await server.close();
  }
});

Deno.test("downloadFile rejects a file longer than its declared size", async () => {
  const dir = await tempDataDir();
  const server = serve((req) => fileResponse(req, new Uint8Array(10)));
  try {
    const e = await assertRejects(
      () => downloadFile(`${server.url}/f.bin`, join(dir, "f.bin"), { size: 5, attempts: 1 }),
      DatasetError,
    );
    assertMatch(e.message, /10 bytes, more than the expected 5/);
    assertEquals(await listFiles(dir), []);
  } finally {
    await server.close();
  }
});
