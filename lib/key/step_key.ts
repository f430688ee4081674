/**
 * Input-addressed step keys. A key is the SHA-256 of the canonical JSON of a documented record:
 * schema and engine versions, step kind, params, plugin descriptors, code fingerprint (the code
 * that computes the result, see `code_scope.ts`), dataset fingerprint, seed and the keys of the
 * step's inputs — never the bytes of upstream outputs, since training is nondeterministic. The
 * record is kept with the entry so `plan` can say what changed.
 *
 * @module
 */
import type { StepSpec, ValidStep } from "../spec/step.ts";
import type { ValidGraph } from "../graph/validate.ts";
import type { AnyDescriptor, JsonObject } from "../plugin/descriptor.ts";
import type { KeyRecord } from "../spec/key_record.ts";
import { canonicalJson } from "../util/canonical_json.ts";
import { codeFingerprint, stepCode } from "./code_fingerprint.ts";
import { ENGINE_VERSION } from "./code_scope.ts";
import { sha256Hex } from "../util/hash.ts";

/** Bump when the meaning of a key record changes. 2: code covers numerical modules only. */
export const KEY_SCHEMA = 2;

/** A step with its key. */
export interface KeyedStep {
  step: ValidStep;
  key: string;
  record: KeyRecord;
}

/** Computes the dataset fingerprint of a step (resolved by the caller; plan caches it). */
export type DatasetFingerprinter = (step: StepSpec) => Promise<string>;

function moduleCode(descriptor: AnyDescriptor | undefined): Record<string, string> {
  if (!descriptor) return {};
  if (/^[a-z]+:/.test(descriptor.module) && !descriptor.module.startsWith("file:")) {
    return { [descriptor.module]: "remote" };
  }
  return codeFingerprint(descriptor.module);
}

/** Key every step of `graph` in order. */
export async function keyGraph(
  graph: ValidGraph,
  fingerprint: DatasetFingerprinter,
): Promise<Map<string, KeyedStep>> {
  const out = new Map<string, KeyedStep>();
  for (const step of graph.order) {
    const keyOf = (name: string) => out.get(name)!.key;
    const plugins: Record<string, AnyDescriptor> = { dataset: step.dataset };
    if (step.model) plugins.model = step.model;
    if (step.loss) plugins.loss = step.loss;
    const code = {
      ...stepCode(step.kind),
      ...moduleCode(step.dataset),
      ...moduleCode(step.model),
      ...moduleCode(step.loss),
    };
    const record: KeyRecord = {
      schema: KEY_SCHEMA,
      engine: ENGINE_VERSION,
      kind: step.kind,
      seed: step.seed,
      // A train step's params are its resolved recipe, so a changed default re-keys it.
      params: step.kind === "train" ? { ...step.recipe } as unknown as JsonObject : step.params,
      plugins,
      dataset: { fingerprint: await fingerprint(step) },
      code,
      inputs: {
        ...(step.inputs.teacher ? { teacher: step.inputs.teacher.map(keyOf) } : {}),
        ...(step.inputs.members ? { members: step.inputs.members.map(keyOf) } : {}),
        ...(step.inputs.transfer
          ? { transfer: { ...step.inputs.transfer, from: keyOf(step.inputs.transfer.from) } }
          : {}),
      },
    };
    out.set(step.name, { step, key: sha256Hex(canonicalJson(record)), record });
  }
  return out;
}

/**
 * Human-readable differences between two key records (why a key changed). `inputNames` maps the
 * roles of `after.inputs` to step names, for messages like "input gen1 has a new key".
 */
export function diffRecords(
  before: KeyRecord,
  after: KeyRecord,
  inputNames: { teacher?: string[]; members?: string[]; transfer?: string } = {},
): string[] {
  // Records of another schema are not comparable field by field: every key is new.
  if (before.schema !== after.schema) {
    return [`key schema changed: ${short(before.schema)} -> ${short(after.schema)}`];
  }
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return;
    const objA = a !== null && typeof a === "object" && !Array.isArray(a);
    const objB = b !== null && typeof b === "object" && !Array.isArray(b);
    if (path === "code" || path === "inputs" || path === "dataset") return;
    if (objA && objB) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) {
        walk(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          path ? `${path}.${k}` : k,
        );
      }
      return;
    }
    if (path === "engine") out.push(`engine version changed: ${short(a)} -> ${short(b)}`);
    else out.push(`${path}: ${short(a)} -> ${short(b)}`);
  };
  walk(before, after, "");
  if (canonicalJson(before.dataset) !== canonicalJson(after.dataset)) {
    out.push("dataset content changed");
  }
  const ca = before.code ?? {}, cb = after.code ?? {};
  const files = [...new Set([...Object.keys(ca), ...Object.keys(cb)])].filter((f) =>
    ca[f] !== cb[f]
  ).sort();
  if (files.length) {
    out.push(
      `code changed: ${files.slice(0, 3).join(", ")}${
        files.length > 3 ? ` and ${files.length - 3} more` : ""
      }`,
    );
  }
  const ia = before.inputs ?? {}, ib = after.inputs ?? {};
  for (const role of ["teacher", "members"] as const) {
    const ka = ia[role] ?? [], kb = ib[role] ?? [];
    kb.forEach((k, i) => {
      if (ka[i] !== k) {
        out.push(`input ${inputNames[role]?.[i] ?? `${role} ${i + 1}`} has a new key`);
      }
    });
    if (ka.length > kb.length) out.push(`${role}: ${ka.length - kb.length} fewer`);
  }
  if (canonicalJson(ia.transfer ?? null) !== canonicalJson(ib.transfer ?? null)) {
    out.push(`transfer from ${inputNames.transfer ?? "its source"} changed`);
  }
  return out;
}

function short(v: unknown): string {
  const s = v === undefined ? "(none)" : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}
