/**
 * A cache this process cannot write: a read-only mount, or files without write permission. Such
 * a cache still serves what it holds; only a write that is needed fails, with a message naming
 * the path.
 *
 * @module
 */
import { errorPath, PipelineError } from "../errors.ts";

/** Whether `e` is a write refused because the file system or the file is read-only. */
export function isReadOnlyError(e: unknown): boolean {
  return e instanceof Deno.errors.PermissionDenied ||
    (e as { code?: unknown } | null)?.code === "EROFS" ||
    (e as { code?: unknown } | null)?.code === "EACCES" ||
    (e as { code?: unknown } | null)?.code === "EPERM";
}

/** Why a write was refused, in words. */
function why(e: unknown): string {
  return (e as { code?: unknown } | null)?.code === "EROFS"
    ? "read-only file system"
    : "permission denied";
}

/** `cannot write <path>: it is read-only (<why>)`, for a write no command expected to need. */
export function readOnlyLine(e: unknown): string {
  return `cannot write ${errorPath(e) ?? "the cache"}: it is read-only (${why(e)})`;
}

/** `cannot write <path> (<doing>): the cache <root> is read-only[; then]`. */
export function readOnlyCacheError(
  root: string,
  e: unknown,
  doing: string,
  then?: string,
  step?: string,
): PipelineError {
  const path = errorPath(e) ?? root;
  return new PipelineError(
    `cannot write ${path} (${doing}): the cache ${root} is read-only (${why(e)})${
      then ? `; ${then}` : ""
    }`,
    { step, reason: "cache", cause: e },
  );
}
