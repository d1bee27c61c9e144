/** Levenshtein distance, giving up (returning `limit + 1`) as soon as it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Whether `a` looks like a typo of `b`: equal ignoring case, or at most 2 edits apart (names of 4+ characters). */
export function isNearMiss(a: string, b: string): boolean {
  if (a === b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  return Math.min(x.length, y.length) >= 4 && editDistance(x, y, 2) <= 2;
}

/** The closest candidate to `word` (case-insensitive, within a third of its length), for "did you mean …?". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** `; did you mean "x"?` to append to a message when there is a close candidate, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near ? `; did you mean "${near}"?` : "";
}

/** The hint listing what is valid. */
export function validValues(candidates: readonly string[]): string {
  return `valid here: ${candidates.join(", ")}`;
}

/** `"a", "b"` */
export function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}
