/**
 * The login benchmark (docs/design/design.md, performance targets):
 * - anchor: parallel argon2id verifications/s with the production parameters, in this process;
 * - measured: successful logins/s through HTTP on `/fu_auth/jwt/login` of a real monolith process
 *   (argon2id with the same parameters, plus its SQL, rate-limit counting and JWT signing);
 * - `/healthz` p99 sampled every 10 ms while those logins saturate the CPU (the event loop must
 *   stay free); the worst round's p99 is reported.
 * Rate limiting stays on, with a limit high enough that the benchmark is counted but never refused.
 * BENCH_SECONDS (default 8) sets each measurement's length; concurrency is 2 × the libuv pool.
 * Each round also prints CPU per verification (anchor) and per login (the monolith, from /proc).
 * The load comes from processes of its own (support/login-load.ts): wrk when installed, else
 * autocannon. Anchor and logins alternate over two rounds (best of each), so load from other work
 * on a shared machine falls on both sides alike.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { loadConfig } from '../src/config/load-config.js';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { buildDeps } from '../src/deps.js';
import { silentLogger } from '../src/lib/logger.js';
import { ratioResult, type BenchResult } from './report.js';
import { benchDatabase } from './support/bench-database.js';
import {
  loginRoundWithAutocannon,
  loginRoundWithWrk,
  type LoginRound,
} from './support/login-load.js';
import { startMonolith } from './support/monolith-process.js';
import { cpuSeconds, machineSeconds } from './proxy/cpu-usage.js';
import { hasCommand } from './support/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/**
 * BENCH_HASH_THREADS (e.g. `1,2,3`): one monolith per `PASSWORD_HASH_THREADS` value, measured in
 * turn within each round, so thread counts are compared under the same load; unset, the default.
 */
const LISTED = (process.env.BENCH_HASH_THREADS ?? '')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
const VARIANTS: (string | undefined)[] = LISTED.length > 0 ? LISTED : [undefined];
const ROUNDS = 2;
const CONCURRENCY = 2 * Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const EMAIL = 'bench-login@example.com';
const PASSWORD = 'bench-password-1';
const ARGON2ID = 2; // `Algorithm.Argon2id` is a const enum, which isolated modules cannot inline

/**
 * Work started for `seconds`, `concurrency` at a time: completed per second of the time they took.
 * The ones still in flight at the deadline are counted, so the time runs until they end (divided
 * by `seconds` alone, 8 verifications finishing after a 4-second window overstated the rate by
 * about 10 %; the logins, whose load generator cuts them off, have no such bonus).
 */
async function forSeconds(
  seconds: number,
  concurrency: number,
  work: () => Promise<boolean>,
): Promise<{ rate: number; done: number }> {
  const started = performance.now();
  const end = started + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) if (await work()) done += 1;
    }),
  );
  return { rate: (done * 1000) / (performance.now() - started), done };
}

/**
 * The CPU limit: argon2id verifications with the production parameters straight on
 * @node-rs/argon2's async API (the libuv pool, normal priority), measured both one at a time and
 * as many at once as the benchmark keeps logins in flight, and the better of the two taken.
 * @node-rs/argon2 computes a hash's p=4 lanes on several cores, so one at a time can be the faster
 * (on a 2-core machine here: about 23/s against 18/s with 8 at once, the 64 MiB blocks of several
 * hashes contending for cache). Not through the monolith's hashing threads: the anchor is what
 * the machine can do, not what the code under test does.
 */
async function verificationsPerSecond(): Promise<{ one: Measured; many: Measured }> {
  const cost = loadConfig({}).fuAuth.argon2;
  const hash = await argon2Hash(PASSWORD, { algorithm: ARGON2ID, outputLen: 32, ...cost });
  const verify = () => argon2Verify(hash, PASSWORD);
  const measured = async (concurrency: number): Promise<Measured> => {
    const window = cpuWindow(() => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    });
    const { rate, done } = await forSeconds(SECONDS / 2, concurrency, verify);
    const share = window.end();
    // CPU of this whole process per verification (its event loop is idle meanwhile).
    return { rate, ...share, cpuMs: (share.cpuSeconds * 1000) / done };
  };
  return { one: await measured(1), many: await measured(CONCURRENCY) };
}

/** The share of the machine's CPU a measured process got over a window (0–1). */
interface Share {
  cpuSeconds: number;
  share: number;
  /** The share every other process took (load generator and PostgreSQL included). */
  others: number;
}

interface Measured extends Share {
  rate: number;
  /** CPU milliseconds per operation. */
  cpuMs: number;
}

/** CPU of one process (`cpu`, in seconds) against the whole machine's over a window. */
function cpuWindow(cpu: () => number | undefined): { end(): Share } {
  const cpu0 = cpu();
  const machine0 = machineSeconds();
  return {
    end() {
      const cpuSeconds = (cpu() ?? NaN) - (cpu0 ?? NaN);
      const machine1 = machineSeconds();
      const total = (machine1?.total ?? NaN) - (machine0?.total ?? NaN);
      const busy = (machine1?.busy ?? NaN) - (machine0?.busy ?? NaN);
      const share = cpuSeconds / total;
      return { cpuSeconds, share, others: busy / total - share };
    },
  };
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

type Monolith = Awaited<ReturnType<typeof startMonolith>>;

async function prepare(url: string): Promise<void> {
  const logger = silentLogger();
  const sequelize = createSequelize({ url, poolMax: 2, logger });
  await createMigrator({ sequelize, databaseUrl: url, logger }).up();
  await sequelize.close();
  const deps = buildDeps(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), url, { logger });
  const request = { ip: undefined, userAgent: undefined, requestId: 'bench' };
  await deps.fuAuth.deps.manager.create({ email: EMAIL, password: PASSWORD }, request);
  await deps.close();
}

export async function run(): Promise<BenchResult[]> {
  const wrk = hasCommand('wrk');
  if (!wrk)
    console.log(
      'wrk is not installed (Debian: apt-get install wrk): the load comes from autocannon, which costs more CPU per request than wrk.',
    );
  const database = await benchDatabase();
  try {
    await prepare(database.url);
    const monoliths: { label: string; monolith: Monolith }[] = [];
    try {
      for (const threads of VARIANTS)
        monoliths.push({
          label: threads === undefined ? 'default' : `${threads} hashing threads`,
          monolith: await startMonolith(database.url, {
            RATE_LIMIT_LOGIN_PER_IP: '1000000000/60',
            FU_COOKIE_SECURE: 'false',
            ...(threads === undefined ? {} : { PASSWORD_HASH_THREADS: threads }),
          }),
        });
      const body = new URLSearchParams({ username: EMAIL, password: PASSWORD });
      const round = async (monolith: Monolith, seconds: number) => {
        const window = cpuWindow(() => cpuSeconds(monolith.pid));
        const result = await (wrk ? loginRoundWithWrk : loginRoundWithAutocannon)({
          url: monolith.url,
          email: EMAIL,
          password: PASSWORD,
          concurrency: CONCURRENCY,
          seconds,
        });
        // The load generator stops with logins still queued in the monolith; one more login,
        // answered after them, keeps their hashing out of what is measured next.
        await (await fetch(`${monolith.url}/fu_auth/jwt/login`, { method: 'POST', body })).text();
        const cpu = window.end();
        // Served: the counted logins, those cut off in flight when the load stopped, this one.
        const served = result.logins * seconds + CONCURRENCY + 1;
        return { ...result, ...cpu, cpuMs: (cpu.cpuSeconds * 1000) / served };
      };
      for (const { monolith } of monoliths) await round(monolith, 2); // warm-up: JIT, pools, threads
      // Anchor and logins alternate, best of ROUNDS each, so a load change on a shared machine
      // cannot favour one side; the /healthz p99 reported is the worst round's.
      const anchors: number[] = [];
      // CPU per operation moves far less with other processes on a shared machine than the rates:
      // the least of each side, over modes and rounds, compared as well.
      const anchorCpuMs: number[] = [];
      const rounds = monoliths.map(() => [] as (LoginRound & Share & { cpuMs: number })[]);
      const pct = (share: number) => `${(share * 100).toFixed(0)} %`;
      for (let i = 0; i < ROUNDS; i++) {
        const { one, many } = await verificationsPerSecond();
        anchors.push(Math.max(one.rate, many.rate));
        anchorCpuMs.push(one.cpuMs, many.cpuMs);
        console.log(
          `round ${i + 1}: argon2id verifications/s ${one.rate.toFixed(1)} one at a time, ` +
            `${many.rate.toFixed(1)} ${CONCURRENCY} at once (${one.cpuMs.toFixed(0)} and ${many.cpuMs.toFixed(0)} ms of CPU each; ` +
            `other processes took ${pct(one.others)} and ${pct(many.others)} of the machine); ` +
            `load average ${loadAverage()}`,
        );
        for (const [j, { label, monolith }] of monoliths.entries()) {
          const r = await round(monolith, SECONDS);
          rounds[j]!.push(r);
          console.log(
            `  ${label}: logins/s ${r.logins.toFixed(1)} (${r.cpuMs.toFixed(0)} ms of the monolith's CPU each; ` +
              `other processes took ${pct(r.others)} of the machine), ` +
              `/healthz ${r.healthz.samples} samples, p50 ${r.healthz.p50Ms.toFixed(1)} ms, p99 ${r.healthz.p99Ms.toFixed(1)} ms`,
          );
        }
      }
      const anchor = Math.max(...anchors);
      const verifyCpuMs = Math.min(...anchorCpuMs);
      return monoliths.flatMap(({ label }, j) => {
        const logins = Math.max(...rounds[j]!.map((r) => r.logins));
        const loginCpuMs = Math.min(...rounds[j]!.map((r) => r.cpuMs));
        const p99 = Math.max(...rounds[j]!.map((r) => r.healthz.p99Ms));
        const what = monoliths.length > 1 ? ` (${label})` : '';
        console.log(
          `best of ${ROUNDS}${what}: argon2id verifications/s ${anchor.toFixed(1)}, logins/s ${logins.toFixed(1)} ` +
            `(load from ${wrk ? 'wrk' : 'autocannon'}); worst /healthz p99 ${p99.toFixed(1)} ms; ` +
            `CPU per verification ${verifyCpuMs.toFixed(0)} ms, per login ${loginCpuMs.toFixed(0)} ms ` +
            `(${(verifyCpuMs / loginCpuMs).toFixed(2)})`,
        );
        return [
          ratioResult({
            what: `login throughput (/fu_auth/jwt/login)${what}`,
            anchor: 'parallel argon2id verifications',
            anchorValue: anchor,
            value: logins,
            target: '≥ 0.90',
            min: 0.9,
            unit: '/s',
          }),
          ratioResult({
            what: `/healthz p99 while logins saturate the CPU${what}`,
            anchor: 'limit',
            anchorValue: 20,
            value: p99,
            target: '≤ 1.00 (20 ms)',
            max: 1,
            unit: 'ms',
          }),
        ];
      });
    } finally {
      for (const { monolith } of monoliths) await monolith.stop();
    }
  } finally {
    await database.stop();
  }
}
