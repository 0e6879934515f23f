/**
 * `npm run bench [-- name …]`: runs the benchmarks from docs/design/design.md's performance table and
 * prints each as a ratio against its anchor measured in the same run. Exit code 0 even when a
 * target is missed: the numbers are information for people, not a gate (see docs/benchmarks.md).
 */
import type { BenchResult } from './report.js';
import { printResults } from './report.js';

type Bench = () => Promise<BenchResult[]>;

/** Each benchmark is its own module; add new ones here. */
const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  hotpaths: () => import('./hotpaths.js'),
  login: () => import('./login.js'),
  migration: () => import('./migration.js'),
  proxy: () => import('./proxy.js'),
  timing: () => import('./timing.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`,
  );
  process.exit(2);
}
const results: BenchResult[] = [];
for (const [name, load] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  const batch = await (await load()).run();
  printResults(batch);
  results.push(...batch);
}
console.log('\n== summary');
printResults(results);
