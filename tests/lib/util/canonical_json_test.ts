import { deepEqual as assertEquals, throws as assertThrows } from "node:assert/strict";
import { canonicalJson } from "../../../lib/util/canonical_json.ts";

Deno.test("canonicalJson sorts object keys at every depth", () => {
  assertEquals(
    canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
  );
});

Deno.test("canonicalJson gives equal bytes for equal data built in different orders", () => {
  const a: Record<string, unknown> = {};
  a.x = 1;
  a.y = "s";
  const b: Record<string, unknown> = {};
  b.y = "s";
  b.x = 1;
  assertEquals(canonicalJson(a), canonicalJson(b));
});

Deno.test("canonicalJson drops undefined members and writes -0 as 0", () => {
  assertEquals(canonicalJson({ a: undefined, b: -0, c: [undefined] }), '{"b":0,"c":[null]}');
});

Deno.test("canonicalJson escapes strings like JSON", () => {
  assertEquals(canonicalJson({ 'k"ey': "line\nbreak" }), '{"k\\"ey":"line\\nbreak"}');
});

Deno.test("canonicalJson rejects NaN, Infinity and non-plain objects", () => {
  assertThrows(() => canonicalJson({ a: NaN }), TypeError);
  assertThrows(() => canonicalJson([Infinity]), TypeError);
  assertThrows(() => canonicalJson({ d: new Date() }), TypeError);
  assertThrows(() => canonicalJson({ f: () => 1 }), TypeError);
});
