/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/**
 * The candidate a mistyped word most likely meant, or undefined when none is close: within a
 * third of the word's length (at least 2 edits), or one being a prefix of the other (`--percentage`
 * for `--percent`).
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const prefix = candidate.startsWith(input) || input.startsWith(candidate);
    const distance = prefix ? 0.5 : editDistance(input, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(input.length / 3)) ? best.candidate : undefined;
}

/** "did you mean X?" when one is close, else the list of valid words. */
export function suggestion(input: string, candidates: readonly string[], what: string): string {
  const near = nearest(input, candidates);
  return near ? `did you mean ${near}?` : `valid ${what}: ${candidates.join(', ')}`;
}
