/**
 * A fixed latency histogram: upper bounds in milliseconds, about 1.5× apart from 1 ms to 30 s,
 * plus one overflow slot. Fixed bounds keep recording O(1)-ish and memory flat; a percentile read
 * from it is the upper bound of the slot that holds it (never under-reports).
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000,
  5000, 10_000, 30_000,
];

/** Slots per histogram: one per bound and the overflow slot. */
export const LATENCY_SLOTS = LATENCY_BOUNDS_MS.length + 1;

/** The slot a latency falls in: the first bound it does not exceed, else the overflow slot. */
export function latencySlot(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/**
 * The `q`-quantile (0–1) of `counts[offset … offset + LATENCY_SLOTS)`, as the upper bound of
 * its slot in ms; null when the histogram is empty. The overflow slot reports the last bound.
 */
export function quantileMs(counts: ArrayLike<number>, offset: number, q: number): number | null {
  let total = 0;
  for (let i = 0; i < LATENCY_SLOTS; i++) total += counts[offset + i]!;
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < LATENCY_SLOTS; i++) {
    seen += counts[offset + i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}
