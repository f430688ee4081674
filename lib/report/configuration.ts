/**
 * Configurations of a pipeline: its resolved params, named by a short hash. Each report written
 * records its configuration in the cache (`configs/<pipeline>/<id>.json`), so the index page and
 * a report that finds nothing can list every configuration there and how to select it.
 *
 * @module
 */
import { dirname } from "node:path";
import type { Json } from "../plugin/descriptor.ts";
import { isReadOnlyError } from "../store/read_only.ts";
import type { Store } from "../store/store.ts";
import { sha256Hex } from "../util/hash.ts";
import { writeAtomic } from "./write_atomic.ts";

/** Hex characters of a configuration id. */
const ID_CHARS = 10;

/** Params as text, independent of the order they were declared or given in. */
const stable = (params: Record<string, Json>) =>
  JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));

/** The short hash naming a configuration: the same resolved params give the same id. */
export function configId(params: Record<string, Json>): string {
  return sha256Hex(stable(params)).slice(0, ID_CHARS);
}

/** A step's headline metric over its seeds, as the index page shows it. */
export interface HeadlineMetric {
  step: string;
  metric: string;
  mean: number;
  sd?: number;
  n: number;
}

/** What the cache remembers of a reported configuration. */
export interface ConfigRecord {
  id: string;
  pipeline: string;
  file: string;
  params: Record<string, Json>;
  /** The declared defaults, to tell which params a configuration sets. */
  defaults: Record<string, Json>;
  /** When its report was last written. */
  reportedAt: string;
  steps: { done: number; total: number };
  headline: HeadlineMetric[];
  /** Where its report and params.json were written. */
  reportDir: string;
}

/** The params of a graph as name → value, and their defaults. */
export function paramValues(params: { name: string; default: Json; value: Json }[]): {
  params: Record<string, Json>;
  defaults: Record<string, Json>;
} {
  return {
    params: Object.fromEntries(params.map((p) => [p.name, p.value])),
    defaults: Object.fromEntries(params.map((p) => [p.name, p.default])),
  };
}

/**
 * Remember a configuration in the cache. A read-only cache remembers nothing (its report may still
 * be written elsewhere); other failures are errors.
 */
export async function recordConfig(store: Store, record: ConfigRecord): Promise<void> {
  const path = store.layout.configRecord(record.pipeline, record.id);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await writeAtomic(path, JSON.stringify(record, null, 2) + "\n");
  } catch (e) {
    if (!isReadOnlyError(e)) throw e;
  }
}

function isRecord(x: unknown): x is ConfigRecord {
  const r = x as ConfigRecord;
  return typeof r === "object" && r !== null && typeof r.id === "string" &&
    typeof r.params === "object" && typeof r.reportedAt === "string" && Array.isArray(r.headline);
}

/** Every configuration of `pipeline` the cache remembers, newest first; unreadable records skipped. */
export async function listConfigs(store: Store, pipeline: string): Promise<ConfigRecord[]> {
  const dir = store.layout.configDir(pipeline);
  const out: ConfigRecord[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      try {
        const r = JSON.parse(await Deno.readTextFile(`${dir}/${e.name}`));
        if (isRecord(r)) out.push(r);
      } catch {
        // A record being replaced or damaged: the configuration is listed again when reported.
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || a.id.localeCompare(b.id));
}

function flagValue(v: Json): string {
  if (Array.isArray(v)) return v.map(flagValue).join(",");
  if (typeof v === "string") return v.includes(",") ? `"${v}"` : v;
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}

/** `k=v` made safe to paste into a POSIX shell. */
function shellWord(word: string): string {
  return /^[\w.,=:/+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The `--set` flags that select `params` over the declared defaults (empty: the defaults). */
export function setFlags(params: Record<string, Json>, defaults: Record<string, Json>): string[] {
  return Object.entries(params)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k] ?? null))
    .map(([k, v]) => `--set ${shellWord(`${k}=${flagValue(v)}`)}`);
}

/** The params in one line: `seeds=2 lr=0.1`. */
export function paramsLine(params: Record<string, Json>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${flagValue(v)}`).join(" ");
}
