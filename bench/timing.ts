/**
 * The timing benchmark (docs/security.md "Timing"): does a failed login take the same time
 * whoever it names? Against a real monolith process with the production hashing parameters, it
 * sends wrong passwords for each class of account (unknown e-mail, no password, pbkdf2_sha256,
 * bcrypt, argon2id) to the legacy `/auth/login` and to `/fu_auth/jwt/login` (the bcrypt and
 * pbkdf2 users there are legacy-only, not yet migrated), and forgot-password for an unknown and a
 * known address. The classes take turns, one request at a time, so a change in the machine's load
 * falls on all of them alike; each class's median is printed, and each group's worst ratio
 * (fastest median / slowest median; target ≥ 0.90, every class within 10 % of the slowest).
 * BENCH_TIMING_TRIES (default 50) sets the tries per class; 5 more per class warm up first.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcrypt';
import { loadConfig } from '../src/config/load-config.js';
import { createMigrator } from '../src/db/migrator.js';
import { createSequelize } from '../src/db/sequelize.js';
import { buildDeps } from '../src/deps.js';
import { silentLogger } from '../src/lib/logger.js';
import { hashPbkdf2Sha256 } from '../src/passwords/pbkdf2-sha256.js';
import { ratioResult, type BenchResult } from './report.js';
import { benchDatabase } from './support/bench-database.js';
import { startMonolith } from './support/monolith-process.js';

const TRIES = Number(process.env.BENCH_TIMING_TRIES ?? 50);
const WARM_UP = 5;
const ARGON2ID = 2; // `Algorithm.Argon2id` is a const enum, which isolated modules cannot inline
const PASSWORD = 'the-right-password-1';
const WRONG = 'a-wrong-password-1';
const UNLIMITED = '1000000000/60';

type Kind = 'none' | 'pbkdf2' | 'bcrypt' | 'argon2';

interface Accounts {
  legacy: Record<Kind, string>;
  /** The new engine's argon2id user (registered through it). */
  fuArgon2: string;
}

const email = (label: string) => `timing-${label}-${randomBytes(4).toString('hex')}@example.com`;

/** Users as each class is stored: legacy rows with each hash kind, and one new-engine user. */
async function prepare(url: string): Promise<Accounts> {
  const logger = silentLogger();
  const sequelize = createSequelize({ url, poolMax: 2, logger });
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
  try {
    await createMigrator({ sequelize, databaseUrl: url, logger }).up();
    const hashes: Record<Kind, string | null> = {
      none: null,
      pbkdf2: await hashPbkdf2Sha256(PASSWORD),
      bcrypt: await bcrypt.hash(PASSWORD, config.legacy.bcryptRounds),
      argon2: await argon2Hash(PASSWORD, {
        algorithm: ARGON2ID,
        outputLen: 32,
        ...config.fuAuth.argon2,
      }),
    };
    const legacy = {} as Record<Kind, string>;
    for (const [kind, hash] of Object.entries(hashes) as [Kind, string | null][]) {
      legacy[kind] = email(kind);
      await sequelize.query(
        `INSERT INTO users (email, full_name, hashed_password, is_active, role)
         VALUES (:email, 'Timing', :hash, '1', 'user')`,
        { replacements: { email: legacy[kind], hash } },
      );
    }
    const deps = buildDeps(config, url, { logger });
    const fuArgon2 = email('fu-argon2');
    try {
      await deps.fuAuth.deps.manager.create(
        { email: fuArgon2, password: PASSWORD },
        { ip: undefined, userAgent: undefined, requestId: 'bench' },
      );
    } finally {
      await deps.close();
    }
    return { legacy, fuArgon2 };
  } finally {
    await sequelize.close();
  }
}

interface Probe {
  group: string;
  label: string;
  send(): Promise<Response>;
  expect: number;
}

function probes(base: string, accounts: Accounts): Probe[] {
  const json = (route: string, body: unknown) => () =>
    fetch(`${base}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const form = (username: string) => () =>
    fetch(`${base}/fu_auth/jwt/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: WRONG }).toString(),
    });
  const classes: [string, () => string][] = [
    ['unknown e-mail', () => email('nobody')],
    ['user without a password', () => accounts.legacy.none],
    ['pbkdf2_sha256 user', () => accounts.legacy.pbkdf2],
    ['bcrypt user', () => accounts.legacy.bcrypt],
  ];
  return [
    ...classes.map(([label, who]) => ({
      group: 'legacy /auth/login',
      label,
      send: () => json('/auth/login', { email: who(), password: WRONG })(),
      expect: 401,
    })),
    {
      group: 'legacy /auth/login',
      label: 'argon2id user',
      send: json('/auth/login', { email: accounts.legacy.argon2, password: WRONG }),
      expect: 401,
    },
    ...classes.map(([label, who]) => ({
      group: '/fu_auth/jwt/login',
      label: label === 'unknown e-mail' ? label : `${label} (not yet migrated)`,
      send: () => form(who())(),
      expect: 400,
    })),
    {
      group: '/fu_auth/jwt/login',
      label: 'argon2id user',
      send: form(accounts.fuArgon2),
      expect: 400,
    },
    {
      group: '/fu_auth/forgot-password',
      label: 'unknown e-mail',
      send: () => json('/fu_auth/forgot-password', { email: email('nobody') })(),
      expect: 202,
    },
    {
      group: '/fu_auth/forgot-password',
      label: 'known user',
      send: json('/fu_auth/forgot-password', { email: accounts.fuArgon2 }),
      expect: 202,
    },
  ];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2
    ? sorted[Math.floor(middle)]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function timeOnce(probe: Probe): Promise<number> {
  const started = performance.now();
  const res = await probe.send();
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== probe.expect)
    throw new Error(`${probe.group} ${probe.label}: ${res.status}, expected ${probe.expect}`);
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  const database = await benchDatabase();
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'authshift-timing-outbox-'));
  try {
    const accounts = await prepare(database.url);
    const monolith = await startMonolith(database.url, {
      FU_COOKIE_SECURE: 'false',
      MAIL_OUTBOX_DIR: outbox,
      // Counted as always, but never refused or slowed: the benchmark measures the answers.
      RATE_LIMIT_LOGIN_PER_IP: UNLIMITED,
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: UNLIMITED,
      RATE_LIMIT_LOGIN_SLOWDOWN_PER_ACCOUNT: UNLIMITED,
      RATE_LIMIT_FORGOT_PER_IP: UNLIMITED,
      RATE_LIMIT_FORGOT_PER_ACCOUNT: UNLIMITED,
    });
    try {
      const all = probes(monolith.url, accounts);
      const samples = new Map<Probe, number[]>(all.map((probe) => [probe, []]));
      for (let i = 0; i < WARM_UP + TRIES; i++)
        // Turns, in a new order each round: drift in the machine's load falls on every class.
        for (const probe of [...all].sort(() => Math.random() - 0.5)) {
          const ms = await timeOnce(probe);
          if (i >= WARM_UP) samples.get(probe)!.push(ms);
        }
      const results: BenchResult[] = [];
      for (const group of [...new Set(all.map((probe) => probe.group))]) {
        const medians = all
          .filter((probe) => probe.group === group)
          .map((probe) => ({ label: probe.label, ms: median(samples.get(probe)!) }));
        const slowest = Math.max(...medians.map((m) => m.ms));
        const fastest = Math.min(...medians.map((m) => m.ms));
        console.log(`${group} (median of ${TRIES} tries per class):`);
        for (const m of medians)
          console.log(
            `  ${m.label.padEnd(42)} ${m.ms.toFixed(1).padStart(7)} ms  ${(m.ms / slowest).toFixed(2)} of the slowest`,
          );
        console.log(`  worst ratio ${(fastest / slowest).toFixed(2)}`);
        results.push(
          ratioResult({
            what: `${group}: fastest class median`,
            anchor: 'slowest class median',
            anchorValue: slowest,
            value: fastest,
            target: '≥ 0.90',
            min: 0.9,
            unit: 'ms',
          }),
        );
      }
      return results;
    } finally {
      await monolith.stop();
    }
  } finally {
    await rm(outbox, { recursive: true, force: true });
    await database.stop();
  }
}
