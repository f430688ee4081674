/**
 * The list syntax of `--set name=a,b,c`: commas split a value into the values a sweep tries.
 * An item in double quotes is taken literally as a JSON string, so `--set 'tag="a,b"'` is the one
 * value `a,b` and `--set 'tag="a,b",c'` two values. A value without a comma or quote is one value,
 * as before.
 *
 * @module
 */

/** Split a `--set` value into its items; one item for a plain value. Throws on bad syntax. */
export function splitListValue(raw: string): string[] {
  if (!raw.includes(",") && !raw.includes('"')) return [raw];
  const items: string[] = [];
  let i = 0;
  while (true) {
    let item: string;
    if (raw[i] === '"') {
      // A JSON string: find its closing quote, skipping escaped characters.
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') j += raw[j] === "\\" ? 2 : 1;
      if (j >= raw.length) throw new Error(`unterminated quote in ${JSON.stringify(raw)}`);
      item = JSON.parse(raw.slice(i, j + 1));
      i = j + 1;
      if (i < raw.length && raw[i] !== ",") {
        throw new Error(`expected "," after the quoted value in ${JSON.stringify(raw)}`);
      }
    } else {
      const end = raw.indexOf(",", i);
      item = raw.slice(i, end < 0 ? raw.length : end);
      if (item.includes('"')) {
        throw new Error(`a quote must enclose a whole value in ${JSON.stringify(raw)}`);
      }
      if (item === "") throw new Error(`empty value in the list ${JSON.stringify(raw)}`);
      i = end < 0 ? raw.length : end;
    }
    items.push(item);
    if (i >= raw.length) return items;
    i++; // the comma
    if (i >= raw.length) throw new Error(`empty value in the list ${JSON.stringify(raw)}`);
  }
}
