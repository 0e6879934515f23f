/**
 * The proxy benchmark (docs/design/design.md performance table), all in one run on this machine:
 * - requests/s and p50/p99 for small JSON responses straight to the upstream, through the proxy,
 *   through a bare Node pipe proxy and through nginx `split_clients` in front of the same
 *   upstream (target: proxy ≥ 50% of nginx), for each process count in BENCH_PROXY_WORKERS
 *   (default: 1 and the number of cores; nginx and the bare proxy get as many processes);
 * - p99 latency the proxy adds at half of its own maximum rate (open loop; target ≤ 2 ms);
 * - time for a policy change to reach every worker of two proxy instances (target ≤ 1 s).
 * It installs nothing: without nginx or wrk it says so and prints what it can measure.
 * The load path is `/auth/me` with a session cookie and its routing claim, so the proxy verifies
 * the claim and makes a real split decision on every request, as nginx's split_clients does on
 * the session cookie.
 */
import { availableParallelism } from 'node:os';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { silentLogger } from '../src/lib/logger.js';
import { freePort } from '../test/helpers/processes.js';
import { benchDatabase } from './support/bench-database.js';
import { propagationMs } from './proxy/propagation.js';
import { startEntry, startProxyStack, stopChildren, waitFor } from './proxy/stack.js';
import { measureThroughput } from './proxy/throughput.js';
import { hasCommand } from './support/wrk.js';
import { ratioResult, type BenchResult } from './report.js';

function workerCounts(): number[] {
  const wanted = process.env.BENCH_PROXY_WORKERS ?? `1,${availableParallelism()}`;
  const counts = wanted.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`BENCH_PROXY_WORKERS: expected process counts like "1,2", got "${wanted}"`);
  return [...new Set(counts)].sort((a, b) => a - b);
}

export async function run(): Promise<BenchResult[]> {
  const wrk = hasCommand('wrk');
  const nginx = hasCommand('nginx');
  if (!wrk)
    console.log(
      'wrk is not installed (Debian: apt-get install wrk): throughput figures need it; skipping them.',
    );
  if (!nginx)
    console.log(
      'nginx is not installed (Debian: apt-get install nginx-light): no split_clients anchor in this run.',
    );
  const counts = workerCounts();

  const db = await benchDatabase();
  const sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
  await createMigrator({ sequelize, databaseUrl: db.url, logger: silentLogger() }).up();
  await sequelize.close();

  const upstreamPort = await freePort();
  const upstream = startEntry('bench/proxy/small-json-upstream.ts', {
    BENCH_UPSTREAM_PORT: String(upstreamPort),
  });
  const direct = `http://127.0.0.1:${upstreamPort}/auth/me`;
  const results: BenchResult[] = [];
  try {
    await waitFor(direct);
    for (const workers of counts) {
      const stack = await startProxyStack({ databaseUrl: db.url, upstreamPort, workers, nginx });
      try {
        if (wrk) results.push(...(await measureThroughput(stack, { url: direct })));
        if (workers === counts[counts.length - 1]) results.push(await propagation(db.url, stack));
      } finally {
        await stack.stop();
      }
    }
    return results;
  } finally {
    await stopChildren([upstream]);
    await db.stop();
  }
}

async function propagation(
  databaseUrl: string,
  stack: { workers: number; admins: string[] },
): Promise<BenchResult> {
  const worst = await propagationMs(databaseUrl, stack.admins);
  const where = `2 proxies × ${stack.workers} worker${stack.workers > 1 ? 's' : ''}`;
  console.log(
    `policy change → every worker of ${where}: worst of 5 changes ${worst.toFixed(0)} ms`,
  );
  return ratioResult({
    what: `policy change reaches ${where} (worst of 5)`,
    anchor: 'limit',
    anchorValue: 1000,
    value: worst,
    target: '≤ 1.00',
    max: 1,
    unit: 'ms',
  });
}
