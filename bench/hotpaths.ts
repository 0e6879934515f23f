/**
 * The hot-path benchmark: the requests every client makes all the time, served by the monolith
 * (src/main.ts, a real process) against a bare `node:http` anchor doing the same essential work
 * (bench/hotpaths/anchor-server.ts: same libraries, same queries, same pool size, same JSON),
 * both started here, on the same database, in one run:
 * - GET /fu_auth/users/me with a bearer JWT and with the `fastapiusersauth` cookie;
 * - GET /auth/me with a legacy (express-session) and with a facade session;
 * - GET /api/contacts with each of the four credentials (10 contacts in the answer).
 * Each path: autocannon -c32 (its own process), monolith and anchor interleaved, best of two
 * rounds of BENCH_HOTPATHS_SECONDS (default 3) after a warm-up; requests/s, p50/p99 and CPU µs
 * per request of each server process. Targets: ≥ 0.70 of the anchor's requests/s, p99 ≤ 2× the
 * anchor's. BENCH_HOTPATHS_ONLY=substring limits the paths (e.g. "contacts").
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load-config.js';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { buildDeps } from '../src/deps.js';
import { waitForUrl } from '../src/lib/http/wait-for-url.js';
import { silentLogger } from '../src/lib/logger.js';
import { freePort } from '../test/helpers/processes.js';
import { measure, type Figure } from './hotpaths/load.js';
import { ratioResult, type BenchResult } from './report.js';
import { benchDatabase } from './support/bench-database.js';
import { startMonolith } from './support/monolith-process.js';

const SECONDS = Number(process.env.BENCH_HOTPATHS_SECONDS ?? 3);
const EMAIL = 'bench-hotpaths@example.com';
const PASSWORD = 'bench-password-1';
const CONTACTS = 10;

type Credential = 'bearer' | 'fu-cookie' | 'legacy-session' | 'facade-session';
type Headers = Record<string, string>;

const PATHS: { path: string; credential: Credential }[] = [
  { path: '/fu_auth/users/me', credential: 'bearer' },
  { path: '/fu_auth/users/me', credential: 'fu-cookie' },
  { path: '/auth/me', credential: 'legacy-session' },
  { path: '/auth/me', credential: 'facade-session' },
  { path: '/api/contacts', credential: 'legacy-session' },
  { path: '/api/contacts', credential: 'facade-session' },
  { path: '/api/contacts', credential: 'fu-cookie' },
  { path: '/api/contacts', credential: 'bearer' },
];

async function prepare(url: string): Promise<void> {
  const logger = silentLogger();
  const sequelize = createSequelize({ url, poolMax: 2, logger });
  await createMigrator({ sequelize, databaseUrl: url, logger }).up();
  const deps = buildDeps(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), url, { logger });
  const request = { ip: undefined, userAgent: undefined, requestId: 'bench' };
  const user = await deps.fuAuth.deps.manager.create({ email: EMAIL, password: PASSWORD }, request);
  await deps.close();
  for (let i = 1; i <= CONTACTS; i++)
    await sequelize.query(
      `INSERT INTO contacts (owner_id, name, email, phone, company, notes, created_at, updated_at)
       VALUES (:owner, :name, :email, '+1 555 0100', 'Bench Ltd', 'a note', now(), now())`,
      {
        replacements: {
          owner: user.legacyUserId,
          name: `Contact ${i}`,
          email: `c${i}@example.com`,
        },
      },
    );
  await sequelize.close();
}

/** The cookies of a response as one `Cookie` header (name=value pairs, attributes dropped). */
const cookieHeader = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');

async function login(base: string, path: string, init: RequestInit): Promise<Response> {
  const res = await fetch(`${base}${path}`, { method: 'POST', ...init });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** One credential of each kind, as a client would send it (with the routing claim it was given). */
async function credentials(base: string): Promise<Record<Credential, Headers>> {
  const form = {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: EMAIL, password: PASSWORD }).toString(),
  };
  const json = {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  };
  const jwt = (await (await login(base, '/fu_auth/jwt/login', form)).json()) as {
    access_token: string;
  };
  return {
    bearer: { authorization: `Bearer ${jwt.access_token}` },
    'fu-cookie': { cookie: cookieHeader(await login(base, '/fu_auth/cookie/login', form)) },
    'legacy-session': { cookie: cookieHeader(await login(base, '/auth/login', json)) },
    'facade-session': { cookie: cookieHeader(await login(base, '/fu_auth/legacy/login', json)) },
  };
}

async function startAnchor(databaseUrl: string): Promise<{
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./hotpaths/anchor-server.ts', import.meta.url)),
    [],
    {
      // BENCH_CPU_PROF_DIR profiles the anchor too, to compare where each spends its time.
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_CPU_PROF_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
          : []),
      ],
      env: { ...process.env, DATABASE_URL: databaseUrl, BENCH_ANCHOR_PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitForUrl(`${url}/nothing`, { timeoutMs: 30_000, accept: () => true })))
    throw new Error('the anchor server did not start');
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) =>
        child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()),
      ),
  };
}

const line = (name: string, f: Figure) =>
  `${name.padEnd(8)} ${Math.round(f.rps).toString().padStart(6)} req/s  p50 ${f.p50Ms.toFixed(1)} ms  p99 ${f.p99Ms.toFixed(1)} ms` +
  (f.cpuUs === undefined ? '' : `  CPU ${f.cpuUs.toFixed(0)} µs/req`);

export async function run(): Promise<BenchResult[]> {
  const only = process.env.BENCH_HOTPATHS_ONLY;
  const paths = PATHS.filter((p) => !only || `${p.path} ${p.credential}`.includes(only));
  const database = await benchDatabase();
  try {
    await prepare(database.url);
    const monolith = await startMonolith(database.url, { FU_COOKIE_SECURE: 'false' });
    const anchor = await startAnchor(database.url);
    try {
      const creds = await credentials(monolith.url);
      const sides = { monolith, anchor };
      const once = (side: keyof typeof sides, p: (typeof PATHS)[number], seconds: number) =>
        measure(`${sides[side].url}${p.path}`, {
          pid: sides[side].pid,
          headers: creds[p.credential],
          seconds,
        });
      for (const p of paths)
        for (const side of ['monolith', 'anchor'] as const) await once(side, p, 1);
      const best = paths.map(() => ({}) as Partial<Record<'monolith' | 'anchor', Figure>>);
      for (let round = 0; round < 2; round++)
        for (const [i, p] of paths.entries())
          for (const side of ['monolith', 'anchor'] as const) {
            const r = await once(side, p, SECONDS);
            if (!best[i]![side] || r.rps > best[i]![side]!.rps) best[i]![side] = r;
          }
      const results: BenchResult[] = [];
      for (const [i, p] of paths.entries()) {
        const { monolith: m, anchor: a } = best[i] as Record<'monolith' | 'anchor', Figure>;
        const what = `GET ${p.path} (${p.credential})`;
        console.log(`${what}  [autocannon -c32, best of 2 × ${SECONDS}s]`);
        console.log(`  ${line('monolith', m)}`);
        console.log(`  ${line('anchor', a)}`);
        results.push(
          ratioResult({
            what: `${what} req/s`,
            anchor: 'bare node:http, same work',
            anchorValue: a.rps,
            value: m.rps,
            target: '≥ 0.70',
            min: 0.7,
            unit: 'req/s',
          }),
          ratioResult({
            what: `${what} p99`,
            anchor: 'bare node:http, same work',
            anchorValue: a.p99Ms,
            value: m.p99Ms,
            target: '≤ 2.00',
            max: 2,
            unit: 'ms',
          }),
        );
      }
      return results;
    } finally {
      await Promise.allSettled([monolith.stop(), anchor.stop()]);
    }
  } finally {
    await database.stop();
  }
}
