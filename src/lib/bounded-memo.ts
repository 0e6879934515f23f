/**
 * A memo for a pure function of a string, holding at most `max` results: when full it is
 * emptied, which costs one recomputation per entry and never grows memory without bound.
 */
export function boundedMemo<T>(compute: (key: string) => T, max = 10_000): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    if (results.has(key)) return results.get(key)!;
    const result = compute(key);
    if (results.size >= max) results.clear();
    results.set(key, result);
    return result;
  };
}
