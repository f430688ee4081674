/**
 * Where the project is checked out: the folder holding `lib/`. Module identities, permission
 * scopes and worker command lines are built from it.
 *
 * @module
 */
import { fromFileUrl } from "./path.ts";

/** Absolute path of the project root (the folder holding `lib/`). */
export const PROJECT_ROOT: string = fromFileUrl(new URL("../../", import.meta.url)).replace(
  /\/$/,
  "",
);
