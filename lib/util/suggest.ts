/**
 * "Did you mean …?" for misspelt names (command-line options, commands, pipeline params): the
 * closest candidate by edit distance, counting a swap of two neighbouring letters as one edit.
 *
 * @module
 */

/** Edits (insert, delete, substitute, swap neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment distance over three rolling rows.
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
    }
    [before, prev] = [prev, row];
  }
  return prev[b.length];
}

/**
 * The candidate `word` was most likely meant to be, or undefined when none is close: within a
 * third of the word's length in edits (at least one), ignoring case, or the only candidate the
 * word begins (an abbreviation such as `exec` for `executor`).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const names = [...candidates];
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(w, name.toLowerCase());
    if (d <= limit && d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best !== undefined) return best;
  const prefixed = names.filter((n) => w.length >= 2 && n.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
