/**
 * Benchmark results are ratios against an anchor measured in the same run on the same machine
 * (docs/design/design.md, performance targets): absolute numbers vary by machine, ratios travel.
 */
export interface BenchResult {
  /** What was measured, e.g. "proxy throughput (req/s)". */
  what: string;
  anchor: string;
  anchorValue: number;
  value: number;
  /** value / anchorValue, or anchorValue / value when lower is better. */
  ratio: number;
  /** Human-readable target, e.g. "≥ 0.50". */
  target: string;
  pass: boolean;
  unit: string;
}

export function ratioResult(
  input: Omit<BenchResult, 'ratio' | 'pass'> & {
    lowerIsBetter?: boolean;
    min?: number;
    max?: number;
  },
): BenchResult {
  const ratio = input.value / input.anchorValue;
  const pass =
    (input.min === undefined || ratio >= input.min) &&
    (input.max === undefined || ratio <= input.max);
  return {
    what: input.what,
    anchor: input.anchor,
    anchorValue: input.anchorValue,
    value: input.value,
    ratio,
    target: input.target,
    pass,
    unit: input.unit,
  };
}

export function printResults(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.what,
    `${fmt(r.value)} ${r.unit}`,
    `${r.anchor}: ${fmt(r.anchorValue)} ${r.unit}`,
    r.ratio.toFixed(2),
    r.target,
    r.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['measure', 'value', 'anchor (same run)', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}
