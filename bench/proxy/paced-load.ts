/**
 * Latency at a given load with wrk: each connection waits a random think time between requests
 * (wrk's Lua `delay()` hook), exponentially distributed with a mean of `DELAY_MS`, so
 * `connections` connections offer about connections × 1000 / DELAY_MS req/s, far below
 * saturation, as independent clients would. wrk measures latency without the delay.
 *
 * A fixed 4 ms think time made the connections march in lockstep: every response of a burst
 * came back together, every connection waited the same 4 ms, and the next burst arrived at once,
 * so the p99 measured mostly the burst's queue (36 requests × the per-request cost), not the
 * latency a client sees at half load. Same generator for the anchor (upstream direct) and the
 * proxy, so the comparison stays like for like.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runWrk, type LoadResult } from '../support/wrk.js';

const DELAY_MS = 4;

export async function pacedLoad(
  url: string,
  options: { rate: number; seconds: number; headers: Record<string, string> },
): Promise<LoadResult & { connections: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-wrk-'));
  const script = path.join(dir, 'paced.lua');
  await writeFile(
    script,
    `math.randomseed(os.time())\nfunction delay()\n  return -${DELAY_MS} * math.log(1 - math.random())\nend\n`,
  );
  const connections = Math.max(1, Math.round((options.rate * DELAY_MS) / 1000));
  try {
    const result = await runWrk(url, {
      connections,
      seconds: options.seconds,
      headers: options.headers,
      script,
    });
    return { ...result, connections };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
