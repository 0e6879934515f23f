/**
 * The login benchmark (DESIGN.md, performance targets):
 * - anchor: parallel argon2id verifications/s with the production parameters, in this process;
 * - measured: successful logins/s through HTTP on `/fu_auth/jwt/login` of a real monolith process
 *   (argon2id with the same parameters, plus its SQL, rate-limit counting and JWT signing);
 * - `/healthz` p99 sampled while those logins saturate the CPU (the event loop must stay free).
 * Rate limiting stays on, with a limit high enough that the benchmark is counted but never refused.
 * BENCH_SECONDS (default 8) sets each measurement's length; concurrency is 2 × the libuv pool.
 * Anchor and logins alternate over two rounds (best of each), so load from other work on a
 * shared machine falls on both sides alike.
 */
import { performance } from 'node:perf_hooks';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { loadConfig } from '../src/config/load-config.js';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { buildDeps } from '../src/deps.js';
import { silentLogger } from '../src/lib/logger.js';
import { ratioResult, type BenchResult } from './report.js';
import { benchDatabase } from './support/bench-database.js';
import { startMonolith } from './support/monolith-process.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = 2;
const CONCURRENCY = 2 * Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const EMAIL = 'bench-login@example.com';
const PASSWORD = 'bench-password-1';
const ARGON2ID = 2; // `Algorithm.Argon2id` is a const enum, which isolated modules cannot inline

async function forSeconds(seconds: number, work: () => Promise<boolean>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) if (await work()) done += 1;
    }),
  );
  return done / seconds;
}

/**
 * The CPU limit: argon2id verifications with the production parameters straight on
 * @node-rs/argon2's async API (the libuv pool, normal priority), as many at once as the
 * benchmark keeps logins in flight. Not through the monolith's hashing threads: the anchor is
 * what the machine can do, not what the code under test does.
 */
async function verificationsPerSecond(): Promise<number> {
  const cost = loadConfig({}).fuAuth.argon2;
  const hash = await argon2Hash(PASSWORD, { algorithm: ARGON2ID, outputLen: 32, ...cost });
  return forSeconds(SECONDS, () => argon2Verify(hash, PASSWORD));
}

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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface LoginRound {
  logins: number;
  latencies: number[];
}

/** SECONDS of CONCURRENCY login loops, with /healthz sampled every 10 ms all along. */
async function loginRound(url: string): Promise<LoginRound> {
  const body = new URLSearchParams({ username: EMAIL, password: PASSWORD }).toString();
  const login = async () => {
    const res = await fetch(`${url}/fu_auth/jwt/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await res.arrayBuffer();
    return res.status === 200;
  };
  let loading = true;
  const latencies: number[] = [];
  const sampler = (async () => {
    while (loading) {
      const started = performance.now();
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const logins = await forSeconds(SECONDS, login);
  loading = false;
  await sampler;
  return { logins, latencies };
}

export async function run(): Promise<BenchResult[]> {
  const database = await benchDatabase();
  try {
    await prepare(database.url);
    const monolith = await startMonolith(database.url, {
      RATE_LIMIT_LOGIN_PER_IP: '1000000000/60',
      FU_COOKIE_SECURE: 'false',
    });
    try {
      await loginRound(monolith.url); // warm-up: JIT, pools, the hashing threads
      // Anchor and logins alternate, best of ROUNDS each, so a load change on a shared machine
      // cannot favour one side; /healthz samples of every round are pooled for the p99.
      const anchors: number[] = [];
      const rounds: LoginRound[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        anchors.push(await verificationsPerSecond());
        rounds.push(await loginRound(monolith.url));
        console.log(
          `round ${round + 1}: argon2id verifications/s ${anchors[round]!.toFixed(1)}, logins/s ${rounds[round]!.logins.toFixed(1)}`,
        );
      }
      const anchor = Math.max(...anchors);
      const logins = Math.max(...rounds.map((r) => r.logins));
      const latencies = rounds.flatMap((r) => r.latencies);
      const p99 = percentile(latencies, 99);
      console.log(
        `best of ${ROUNDS}: argon2id verifications/s ${anchor.toFixed(1)}, logins/s ${logins.toFixed(1)}, ` +
          `/healthz samples ${latencies.length}, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      );
      return [
        ratioResult({
          what: 'login throughput (/fu_auth/jwt/login)',
          anchor: 'parallel argon2id verifications',
          anchorValue: anchor,
          value: logins,
          target: '≥ 0.90',
          min: 0.9,
          unit: '/s',
        }),
        ratioResult({
          what: '/healthz p99 while logins saturate the CPU',
          anchor: 'limit',
          anchorValue: 20,
          value: p99,
          target: '≤ 1.00 (20 ms)',
          max: 1,
          unit: 'ms',
        }),
      ];
    } finally {
      await monolith.stop();
    }
  } finally {
    await database.stop();
  }
}
