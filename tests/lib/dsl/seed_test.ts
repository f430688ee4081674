import { equal, notEqual, ok } from "node:assert/strict";
import { deriveSeed } from "../../../lib/dsl/seed.ts";

/** The documented formula, computed with WebCrypto rather than the module's own hash helper. */
async function reference(baseName: string, replicate: number): Promise<number> {
  const bytes = new TextEncoder().encode(`${baseName}#${replicate}`);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) & 0x7fffffff;
}

Deno.test("deriveSeed is the first 32 bits of SHA-256 of `name#replicate`, top bit cleared", async () => {
  for (const base of ["teacher", "gen1", "gen2", "bane", "a", "gen-1.b_2"]) {
    for (const replicate of [1, 2, 3, 10]) {
      equal(deriveSeed(base, replicate), await reference(base, replicate), `${base}#${replicate}`);
    }
  }
});

Deno.test("deriveSeed keeps its values (every cached step's key holds its seed)", () => {
  // Pinned: a change here re-keys every step of every pipeline.
  equal(deriveSeed("teacher", 1), 595516779);
  equal(deriveSeed("gen1", 1), 4560757);
  // SHA-256 of "gen1#2" starts f48da389: the top bit is dropped, not the value wrapped negative.
  equal(deriveSeed("gen1", 2), 0xf48da389 & 0x7fffffff);
  equal(deriveSeed("gen1", 2), 1955439497);
  equal(deriveSeed("bane", 3), 1913518810);
});

Deno.test("deriveSeed gives 31-bit non-negative integers", () => {
  for (let i = 0; i < 500; i++) {
    const s = deriveSeed(`step${i}`, 1 + (i % 7));
    ok(Number.isInteger(s) && s >= 0 && s <= 0x7fffffff, `step${i}: ${s}`);
  }
});

Deno.test("deriveSeed is deterministic and separates names and replicates", () => {
  equal(deriveSeed("gen1", 1), deriveSeed("gen1", 1));
  notEqual(deriveSeed("gen1", 1), deriveSeed("gen2", 1));
  notEqual(deriveSeed("gen1", 1), deriveSeed("gen1", 2));
  const seen = new Map<number, string>();
  for (const base of ["teacher", "gen1", "gen2", "gen3", "gen4", "bane", "ens2"]) {
    for (let replicate = 1; replicate <= 20; replicate++) {
      const s = deriveSeed(base, replicate);
      const prior = seen.get(s);
      ok(prior === undefined, `${base}#${replicate} has the seed of ${prior}`);
      seen.set(s, `${base}#${replicate}`);
    }
  }
});
