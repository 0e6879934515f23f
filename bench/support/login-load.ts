/**
 * One round of the login benchmark's load: `concurrency` clients logging in back to back on
 * `/fu_auth/jwt/login` while one client samples `/healthz` every 10 ms.
 * With wrk installed the load comes from two wrk processes (a few µs of CPU per request); else
 * from fetch() in this process, which costs about 1.7 ms of CPU per login on the same 2 cores
 * that hash, and so lowers the very throughput it measures (the benchmark says which it used).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
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

export async function loginRoundWithFetch(load: LoginLoad): Promise<LoginRound> {
  const body = formBody(load);
  const end = performance.now() + load.seconds * 1000;
  let done = 0;
  const login = async () => {
    const res = await fetch(`${load.url}/fu_auth/jwt/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await res.arrayBuffer();
    if (res.status === 200) done += 1;
  };
  const latencies: number[] = [];
  const sample = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      await (await fetch(`${load.url}/healthz`)).arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await Promise.all([
    sample(),
    ...Array.from({ length: load.concurrency }, async () => {
      while (performance.now() < end) await login();
    }),
  ]);
  return {
    logins: done / load.seconds,
    healthz: {
      samples: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
