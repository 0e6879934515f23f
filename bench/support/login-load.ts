/**
 * One round of the login benchmark's load: `concurrency` clients logging in back to back on
 * `/fu_auth/jwt/login` while one client samples `/healthz` every 10 ms.
 * The login load always comes from a process of its own, never from the benchmark's event loop:
 * wrk when installed (a few µs of CPU per request), else autocannon (a devDependency, always
 * there; about 0.2 ms of CPU per request here, against about 2 ms for the in-process fetch() it
 * replaced). Without wrk, `/healthz` is sampled here with `node:http` (tens of µs a sample).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { runWrkCounting } from './wrk.js';

export interface LoginLoad {
  url: string;
  email: string;
  password: string;
  seconds: number;
  concurrency: number;
}

export interface LoginRound {
  /** Successful (200) logins per second. */
  logins: number;
  healthz: { samples: number; p50Ms: number; p99Ms: number };
}

const formBody = (load: LoginLoad) =>
  new URLSearchParams({ username: load.email, password: load.password }).toString();

export async function loginRoundWithWrk(load: LoginLoad): Promise<LoginRound> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-login-'));
  const loginScript = path.join(dir, 'login.lua');
  const pacedScript = path.join(dir, 'paced.lua');
  await writeFile(
    loginScript,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(formBody(load))}\n` +
      `wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`,
  );
  await writeFile(pacedScript, 'function delay()\n  return 10\nend\n');
  try {
    const [logins, healthz] = await Promise.all([
      runWrkCounting(`${load.url}/fu_auth/jwt/login`, {
        connections: load.concurrency,
        seconds: load.seconds,
        script: loginScript,
      }),
      runWrkCounting(`${load.url}/healthz`, {
        connections: 1,
        seconds: load.seconds,
        script: pacedScript,
      }),
    ]);
    return {
      logins: (logins.requests - logins.non2xx) / logins.seconds,
      healthz: { samples: healthz.requests, p50Ms: healthz.p50Ms, p99Ms: healthz.p99Ms },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface AutocannonJson {
  '2xx': number;
  duration: number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}

function autocannon(args: string[]): Promise<AutocannonJson> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [AUTOCANNON, '-j', ...args],
      { maxBuffer: 16 << 20 },
      (error, out) => (error ? reject(error) : resolve(JSON.parse(out) as AutocannonJson)),
    ),
  );
}

/**
 * The same round with autocannon: one process logging in on `concurrency` connections, while
 * this process samples `/healthz` (`sampleHealthz`).
 */
export async function loginRoundWithAutocannon(load: LoginLoad): Promise<LoginRound> {
  const seconds = String(load.seconds);
  const [logins, healthz] = await Promise.all([
    autocannon([
      ...['-c', String(load.concurrency), '-d', seconds, '-m', 'POST'],
      ...['-H', 'content-type=application/x-www-form-urlencoded', '-b', formBody(load)],
      `${load.url}/fu_auth/jwt/login`,
    ]),
    sampleHealthz(`${load.url}/healthz`, load.seconds),
  ]);
  return { logins: logins['2xx'] / logins.duration, healthz };
}

/** autocannon's own start-up (about 0.4 s of CPU) is the load generator's, not the storm's. */
const SAMPLER_DELAY_MS = 500;

/**
 * `/healthz` every 10 ms, one at a time on one keep-alive connection, timed with a sub-millisecond
 * clock (autocannon's histogram has whole milliseconds, so a 20 ms limit reads as 19 or 21), from
 * `SAMPLER_DELAY_MS` until the round ends. `node:http` costs a few tens of µs per sample here.
 */
async function sampleHealthz(url: string, seconds: number): Promise<LoginRound['healthz']> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<void>((resolve, reject) =>
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject),
    );
  const latencies: number[] = [];
  await delay(SAMPLER_DELAY_MS);
  const end = performance.now() + seconds * 1000 - SAMPLER_DELAY_MS;
  try {
    while (performance.now() < end) {
      const started = performance.now();
      await get();
      latencies.push(performance.now() - started);
      await delay(10);
    }
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { samples: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}
