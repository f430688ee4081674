/**
 * Module identities that do not depend on where the project is checked out: a module inside the
 * project is named by its path from the project root, anything else by its URL.
 *
 * @module
 */
import { fromFileUrl, toFileUrl } from "../util/path.ts";
import { PROJECT_ROOT } from "../util/project_root.ts";

/** `file:///…/plugins/models/resnet.ts` → `plugins/models/resnet.ts`. */
export function moduleId(url: string): string {
  if (!url.startsWith("file:")) return url;
  const path = fromFileUrl(url);
  return path.startsWith(PROJECT_ROOT + "/") ? path.slice(PROJECT_ROOT.length + 1) : url;
}

/** The importable URL of a module id. */
export function moduleUrl(id: string): string {
  return /^[a-z]+:/.test(id) ? id : toFileUrl(`${PROJECT_ROOT}/${id}`).href;
}
