/** Writing a file beside its final name and renaming it, so a reader never sees half of it. @module */

/** Write `text` to `path` through a temporary file beside it and a rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, text);
  await Deno.rename(tmp, path);
}
