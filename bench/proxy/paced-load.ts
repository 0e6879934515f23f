/**
 * Latency at a given load with wrk: each connection waits `delayMs` between requests (wrk's Lua
 * `delay()` hook), so `connections` connections offer about connections × 1000 / delayMs req/s,
 * far below saturation. wrk measures latency without the delay.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runWrk, type LoadResult } from './wrk.js';

const DELAY_MS = 4;

export async function pacedLoad(
  url: string,
  options: { rate: number; seconds: number; headers: Record<string, string> },
): Promise<LoadResult & { connections: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-wrk-'));
  const script = path.join(dir, 'paced.lua');
  await writeFile(script, `function delay()\n  return ${DELAY_MS}\nend\n`);
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
