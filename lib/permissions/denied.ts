/**
 * Turn Deno's permission errors into a {@linkcode PipelineError} that names the pipeline file,
 * what the pipeline tried (read a file, write one, run a program, reach a host) and what it may
 * do instead. Pipeline files and the plugins beside them run with least privilege (see
 * `step_scope.ts`, `sandboxed_plugin.ts` and `lib/cli/sandbox/declare.ts`), so such an error is
 * the pipeline's doing, not a bug.
 *
 * @module
 */
import { PipelineError } from "../errors.ts";

/** What a denied operation tried, parsed from Deno's message. */
export interface Denied {
  /** The permission: read, write, net, env, run, ffi, sys, import. */
  kind: string;
  /** The path, host, program or variable it was for, when Deno names one. */
  resource?: string;
}

const VERBS: Record<string, string> = {
  read: "read",
  write: "write",
  net: "reach the network at",
  env: "read the environment variable",
  run: "run the program",
  ffi: "load the native library",
  sys: "read system information",
  import: "import",
};

/**
 * What `e` (or an error in its `cause` chain) was denied, or undefined when it is no permission
 * error. Deno throws `NotCapable` for operations and a `TypeError` for a denied dynamic import,
 * both with the message `Requires <kind> access to "<resource>"`.
 */
export function deniedOf(e: unknown): Denied | undefined {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 8; cur = cur.cause, depth++) {
    const m = cur.message.match(/Requires (\w+) access(?: to "([^"]*)")?/);
    if (m) return { kind: m[1], resource: m[2] };
    if (cur instanceof Deno.errors.NotCapable || cur instanceof Deno.errors.PermissionDenied) {
      return { kind: "unknown" };
    }
  }
  return undefined;
}

/** `read "/etc/hostname"`, `run the program "sh"`. */
export function describeDenied(d: Denied): string {
  const verb = VERBS[d.kind] ?? `use ${d.kind} access`;
  return d.resource ? `${verb} ${JSON.stringify(d.resource)}` : verb;
}

/** Where the denied operation happened and what was allowed there, for the message. */
export interface DeniedContext {
  /** The pipeline file, as given on the command line. */
  file: string;
  step?: string;
  /** `"while declaring"`, `"while fingerprinting its dataset"`, `"while training"`. */
  during: string;
  /** What the code may do there, e.g. `it may read only /work/x and /work/y`. */
  allowed: string;
}

/**
 * A {@linkcode PipelineError} (reason `permission`) for a permission error `e` (or what it was
 * denied, already parsed), or undefined when `e` is no permission error.
 */
export function deniedError(
  e: unknown,
  where: DeniedContext,
  denied: Denied | undefined = deniedOf(e),
): PipelineError | undefined {
  if (!denied) return undefined;
  return new PipelineError(
    `permission denied: the pipeline tried to ${describeDenied(denied)} ${where.during}; ` +
      `${where.allowed} (see "Permissions" in README.md)`,
    { file: where.file, step: where.step, field: denied.kind, reason: "permission", cause: e },
  );
}
