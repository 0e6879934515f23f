/**
 * Throughput and latency of one configuration of the proxy benchmark: wrk -t1 -c32 against each
 * target in interleaved rounds (best of 2 × BENCH_PROXY_SECONDS), CPU per request of each
 * serving process tree, and the p99 the proxy (and, for reference, the bare pipe and nginx) add
 * at half of the proxy's own best rate.
 */
import { ROUTE_COOKIE } from '../../src/lib/contracts/cookies.js';
import { DEV_SECRETS } from '../../src/lib/contracts/dev-secrets.js';
import { signRouteClaim } from '../../src/lib/contracts/route-claim.js';
import { ratioResult, type BenchResult } from '../report.js';
import { cpuSeconds } from './cpu-usage.js';
import { pacedLoad } from './paced-load.js';
import type { ProxyStack, Target } from './stack.js';
import { runWrk, type LoadResult } from '../support/wrk.js';

/**
 * A session and its routing claim, as the engines set them: the proxy verifies the claim's MAC and
 * decides by the policy for its e-mail on every request (the stack runs on the development
 * ROUTING_SECRET), as nginx's split_clients hashes the session cookie.
 */
const HEADERS = {
  cookie: `crm.sid=s%3Abench-session-id.signature; ${ROUTE_COOKIE}=${signRouteClaim(
    DEV_SECRETS.ROUTING_SECRET,
    { email: 'bench@example.com', expires: Math.floor(Date.now() / 1000) + 24 * 3600 },
  )}`,
};
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
  results.push(...(await halfLoad(stack, direct, p.rps, procs)));
  return results;
}

/**
 * Open-loop latency at half the proxy's best rate: the upstream directly (the anchor), the proxy,
 * and, as references at the same rate, the bare Node pipe proxy and nginx (what a Node proxy with
 * no work of its own, and a C proxy, add on this machine).
 */
async function halfLoad(
  stack: ProxyStack,
  direct: Target,
  proxyRps: number,
  procs: string,
): Promise<BenchResult[]> {
  const rate = Math.round(proxyRps / 2);
  const paced = (t: Target) => pacedLoad(t.url, { rate, seconds: 6, headers: HEADERS });
  const base = await paced(direct);
  const through = await paced(stack.proxy);
  const bare = await paced(stack.bare);
  const nginx = stack.nginx ? await paced(stack.nginx) : undefined;
  const line = (name: string, r: LoadResult) =>
    `${name} p50 ${r.p50Ms.toFixed(2)} / p99 ${r.p99Ms.toFixed(2)} ms` +
    (r === base ? '' : ` (+${(r.p99Ms - base.p99Ms).toFixed(2)})`);
  console.log(
    `[${procs}] half load (~${rate} req/s offered by ${through.connections} paced connections, 6 s each): ` +
      [
        line('direct', base),
        line('proxy', through),
        line('bare', bare),
        ...(nginx ? [line('nginx', nginx)] : []),
      ].join('; '),
  );
  const added = (r: LoadResult) => r.p99Ms - base.p99Ms;
  const result = (what: string, r: LoadResult, target: string, pass: boolean): BenchResult => ({
    what: `${what} (${rate} req/s) [${procs}]`,
    anchor: 'upstream direct, same rate',
    anchorValue: base.p99Ms,
    value: r.p99Ms,
    ratio: r.p99Ms / base.p99Ms,
    target,
    pass,
    unit: 'ms',
  });
  return [
    result('p99 at half load', through, 'added ≤ 2 ms', added(through) <= 2),
    result('bare Node proxy p99 at half load', bare, '(information)', true),
    ...(nginx ? [result('nginx p99 at half load', nginx, '(information)', true)] : []),
  ];
}
