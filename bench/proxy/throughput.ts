/**
 * Throughput and latency of one configuration of the proxy benchmark: wrk -t1 -c32 against each
 * target in interleaved rounds (best of 2 × BENCH_PROXY_SECONDS), CPU per request of each
 * serving process tree, and the proxy's added p99 at half of its own best rate.
 */
import { ratioResult, type BenchResult } from '../report.js';
import { cpuSeconds } from './cpu-usage.js';
import { pacedLoad } from './paced-load.js';
import type { ProxyStack, Target } from './stack.js';
import { runWrk, type LoadResult } from '../support/wrk.js';

const HEADERS = { cookie: 'crm.sid=s%3Abench-session-id.signature' };
const SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 8);

interface Figure extends LoadResult {
  /** CPU microseconds per request of the serving process tree (undefined without /proc). */
  cpuUs?: number;
}

async function measure(target: Target): Promise<Figure> {
  const before = cpuSeconds(target.pid);
  const r = await runWrk(target.url, { connections: 32, seconds: SECONDS, headers: HEADERS });
  const after = cpuSeconds(target.pid);
  const cpuUs =
    before === undefined || after === undefined
      ? undefined
      : ((after - before) * 1e6) / (r.rps * SECONDS);
  return { ...r, ...(cpuUs === undefined ? {} : { cpuUs }) };
}

export async function measureThroughput(stack: ProxyStack, direct: Target): Promise<BenchResult[]> {
  const n = stack.workers;
  const procs = `${n} process${n > 1 ? 'es' : ''}`;
  const targets: [string, Target][] = [
    ['direct', direct],
    ['proxy', stack.proxy],
    ['bare', stack.bare],
    ...(stack.nginx ? [['nginx', stack.nginx] as [string, Target]] : []),
  ];
  for (const [, t] of targets)
    await runWrk(t.url, { connections: 32, seconds: 2, headers: HEADERS }); // warm-up
  const best: Record<string, Figure> = {};
  for (let round = 0; round < 2; round++)
    for (const [name, t] of targets) {
      const r = await measure(t);
      if (!best[name] || r.rps > best[name]!.rps) best[name] = r;
    }
  for (const [name, r] of Object.entries(best))
    console.log(
      `[${procs}] ${name.padEnd(6)} ${Math.round(r.rps)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms` +
        (r.cpuUs === undefined ? '' : `  CPU ${r.cpuUs.toFixed(1)} µs/req`) +
        `  (wrk -t1 -c32, best of 2 × ${SECONDS}s)`,
    );
  const p = best.proxy!;
  const results: BenchResult[] = [];
  const ratio = (what: string, anchor: string, a: number, v: number, extra = {}) =>
    results.push(
      ratioResult({
        what: `${what} [${procs}]`,
        anchor,
        anchorValue: a,
        value: v,
        unit: 'req/s',
        target: '(information)',
        ...extra,
      }),
    );
  if (best.nginx)
    ratio('proxy throughput, small JSON', 'nginx split_clients', best.nginx.rps, p.rps, {
      target: '≥ 0.50',
      min: 0.5,
    });
  ratio(
    'proxy throughput vs a bare Node proxy',
    'node:http pipe, no policy',
    best.bare!.rps,
    p.rps,
  );
  if (best.nginx)
    ratio(
      'bare Node proxy throughput (ceiling)',
      'nginx split_clients',
      best.nginx.rps,
      best.bare!.rps,
    );
  ratio('proxy throughput vs no proxy', 'upstream direct', best.direct!.rps, p.rps);
  if (best.nginx)
    ratio('p99 at full load', 'nginx split_clients', best.nginx.p99Ms, p.p99Ms, { unit: 'ms' });
  results.push(await halfLoad(stack.proxy, direct, p.rps, procs));
  return results;
}

async function halfLoad(
  proxy: Target,
  direct: Target,
  proxyRps: number,
  procs: string,
): Promise<BenchResult> {
  const rate = Math.round(proxyRps / 2);
  const base = await pacedLoad(direct.url, { rate, seconds: 6, headers: HEADERS });
  const through = await pacedLoad(proxy.url, { rate, seconds: 6, headers: HEADERS });
  const added = through.p99Ms - base.p99Ms;
  console.log(
    `[${procs}] half load (~${rate} req/s offered by ${through.connections} paced connections, 6 s; achieved direct ${Math.round(base.rps)}, proxy ${Math.round(through.rps)} req/s): direct p50 ${base.p50Ms.toFixed(2)} / p99 ${base.p99Ms.toFixed(2)} ms; proxy p50 ${through.p50Ms.toFixed(2)} / p99 ${through.p99Ms.toFixed(2)} ms; added p99 ${added.toFixed(2)} ms`,
  );
  return {
    what: `p99 at half load (${rate} req/s) [${procs}]`,
    anchor: 'upstream direct, same rate',
    anchorValue: base.p99Ms,
    value: through.p99Ms,
    ratio: through.p99Ms / base.p99Ms,
    target: 'added ≤ 2 ms',
    pass: added <= 2,
    unit: 'ms',
  };
}
