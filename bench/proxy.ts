/**
 * The proxy benchmark (DESIGN.md performance table), all in one run on this machine:
 * - requests/s and p50/p99 for small JSON responses straight to the upstream, through the proxy,
 *   and through nginx `split_clients` in front of the same upstream (target: proxy ≥ 50% of nginx);
 * - p99 latency the proxy adds at half of its own maximum rate (open loop; target ≤ 2 ms);
 * - time for a policy change to reach two proxy instances (target ≤ 1 s).
 * It installs nothing: without nginx or wrk it says so and prints what it can measure.
 * The load path is `/auth/me` with a legacy session cookie, so the proxy makes a real split
 * decision (affinity) on every request, as nginx's split_clients does on the same cookie.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { silentLogger } from '../src/lib/logger.js';
import { startNginxSplit } from './proxy/nginx-split.js';
import { pacedLoad } from './proxy/paced-load.js';
import { hasCommand, runWrk, type LoadResult } from './proxy/wrk.js';
import { ratioResult, type BenchResult } from './report.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const HEADERS = { cookie: 'crm.sid=s%3Abench-session-id.signature' };
const SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 8);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  return fork(path.join(ROOT, entry), [], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never came up`);
}

async function database(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `authshift_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      stop: async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-bench-'));
  await chmod(dir, 0o755);
  const pgRun = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    database: 'bench',
    logger: silentLogger(),
    ephemeral: true,
  });
  return {
    url: pgRun.url,
    stop: async () => (await pgRun.stop(), await rm(dir, { recursive: true, force: true })),
  };
}

async function propagationMs(databaseUrl: string, admins: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let worst = 0;
  try {
    for (let i = 1; i <= 5; i++) {
      const t0 = performance.now();
      const { rows } = await client.query<{ version: string }>(
        `UPDATE rollout_policy SET percent = $1, updated_by = 'bench', reason = 'propagation' WHERE id = 1 RETURNING version`,
        [i],
      );
      const version = Number(rows[0]!.version);
      await Promise.all(
        admins.map(async (admin) => {
          for (;;) {
            const body = (await (await fetch(`${admin}/readyz`)).json()) as {
              policy_version: number;
            };
            if (body.policy_version >= version) return;
            await new Promise((r) => setTimeout(r, 5));
          }
        }),
      );
      worst = Math.max(worst, performance.now() - t0);
    }
  } finally {
    await client.end();
  }
  return worst;
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

  const db = await database();
  const sequelize = createSequelize({ url: db.url, poolMax: 2, logger: silentLogger() });
  await createMigrator({ sequelize, databaseUrl: db.url, logger: silentLogger() }).up();
  await sequelize.close();

  const upPort = await freePort();
  const [pPort, pAdmin, qPort, qAdmin, nginxPort, barePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const upstream = start('bench/proxy/small-json-upstream.ts', {
      BENCH_UPSTREAM_PORT: String(upPort),
    });
    children.push(upstream);
    const proxyEnv = (port: number, admin: number) => ({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      PROXY_HOST: '127.0.0.1',
      PROXY_PORT: String(port),
      PROXY_ADMIN_PORT: String(admin),
      LEGACY_UPSTREAM_URL: `http://127.0.0.1:${upPort}`,
      NEW_UPSTREAM_URL: `http://127.0.0.1:${upPort}`,
    });
    children.push(
      start('proxy/main.ts', proxyEnv(pPort, pAdmin)),
      start('proxy/main.ts', proxyEnv(qPort, qAdmin)),
      start('bench/proxy/bare-node-proxy.ts', {
        BENCH_UPSTREAM_PORT: String(upPort),
        BENCH_BARE_PORT: String(barePort),
      }),
    );
    const viaBare = `http://127.0.0.1:${barePort}/auth/me`;
    const direct = `http://127.0.0.1:${upPort}/auth/me`;
    const viaProxy = `http://127.0.0.1:${pPort}/auth/me`;
    await Promise.all([
      waitFor(direct),
      waitFor(viaBare),
      waitFor(`http://127.0.0.1:${pAdmin}/readyz`),
      waitFor(`http://127.0.0.1:${qAdmin}/readyz`),
    ]);
    let viaNginx: string | undefined;
    if (nginx) {
      const n = await startNginxSplit(upPort, nginxPort);
      stops.push(n.stop);
      viaNginx = `${n.url}/auth/me`;
    }

    const results: BenchResult[] = [];
    const figures: Record<string, LoadResult> = {};
    if (wrk) {
      const targets: [string, string][] = [
        ['direct', direct],
        ['proxy', viaProxy],
        ['bare', viaBare],
        ...(viaNginx ? [['nginx', viaNginx] as [string, string]] : []),
      ];
      for (const [, url] of targets)
        await runWrk(url, { connections: 32, seconds: 2, headers: HEADERS }); // warm-up
      for (let round = 0; round < 2; round++)
        for (const [name, url] of targets) {
          const r = await runWrk(url, { connections: 32, seconds: SECONDS, headers: HEADERS });
          if (!figures[name] || r.rps > figures[name]!.rps) figures[name] = r;
        }
      for (const [name, r] of Object.entries(figures))
        console.log(
          `${name.padEnd(7)} ${Math.round(r.rps)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (wrk -t1 -c32, best of 2 × ${SECONDS}s)`,
        );
      const p = figures.proxy!;
      if (figures.nginx)
        results.push(
          ratioResult({
            what: 'proxy throughput, small JSON',
            anchor: 'nginx split_clients',
            anchorValue: figures.nginx.rps,
            value: p.rps,
            target: '≥ 0.50',
            min: 0.5,
            unit: 'req/s',
          }),
        );
      results.push(
        ratioResult({
          what: 'proxy throughput vs a bare Node proxy',
          anchor: 'node:http pipe, no policy',
          anchorValue: figures.bare!.rps,
          value: p.rps,
          target: '(information)',
          unit: 'req/s',
        }),
      );
      if (figures.nginx)
        results.push(
          ratioResult({
            what: 'bare Node proxy throughput (ceiling)',
            anchor: 'nginx split_clients',
            anchorValue: figures.nginx.rps,
            value: figures.bare!.rps,
            target: '(information)',
            unit: 'req/s',
          }),
        );
      results.push(
        ratioResult({
          what: 'proxy throughput vs no proxy',
          anchor: 'upstream direct',
          anchorValue: figures.direct!.rps,
          value: p.rps,
          target: '(information)',
          unit: 'req/s',
        }),
      );
      if (figures.nginx)
        results.push(
          ratioResult({
            what: 'p99 at full load',
            anchor: 'nginx split_clients',
            anchorValue: figures.nginx.p99Ms,
            value: p.p99Ms,
            target: '(information)',
            unit: 'ms',
          }),
        );
      const rate = Math.round(p.rps / 2);
      const base = await pacedLoad(direct, { rate, seconds: 6, headers: HEADERS });
      const through = await pacedLoad(viaProxy, { rate, seconds: 6, headers: HEADERS });
      const added = through.p99Ms - base.p99Ms;
      console.log(
        `half load (~${rate} req/s offered by ${through.connections} paced connections, 6 s; achieved direct ${Math.round(base.rps)}, proxy ${Math.round(through.rps)} req/s): direct p50 ${base.p50Ms.toFixed(2)} / p99 ${base.p99Ms.toFixed(2)} ms; proxy p50 ${through.p50Ms.toFixed(2)} / p99 ${through.p99Ms.toFixed(2)} ms; added p99 ${added.toFixed(2)} ms`,
      );
      results.push({
        what: `p99 at half load (${rate} req/s)`,
        anchor: 'upstream direct, same rate',
        anchorValue: base.p99Ms,
        value: through.p99Ms,
        ratio: through.p99Ms / base.p99Ms,
        target: 'added ≤ 2 ms',
        pass: added <= 2,
        unit: 'ms',
      });
    }
    const worst = await propagationMs(db.url, [
      `http://127.0.0.1:${pAdmin}`,
      `http://127.0.0.1:${qAdmin}`,
    ]);
    console.log(`policy change → both proxy instances: worst of 5 changes ${worst.toFixed(0)} ms`);
    results.push(
      ratioResult({
        what: 'policy change reaches 2 proxies (worst of 5)',
        anchor: 'limit',
        anchorValue: 1000,
        value: worst,
        target: '≤ 1.00',
        max: 1,
        unit: 'ms',
      }),
    );
    return results;
  } finally {
    for (const stop of stops) await stop();
    await Promise.all(
      children.map(
        (c) =>
          new Promise((r) =>
            c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM')),
          ),
      ),
    );
    await db.stop();
  }
}
