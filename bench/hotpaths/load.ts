/**
 * Closed-loop load for the hot-path benchmark: autocannon (npm, no install scripts) in its own
 * process, so generating load never runs on the event loop of this process or of the servers,
 * with CPU per request of the serving process read from /proc around the run (the same figure as
 * that process's `process.cpuUsage()`, read from outside).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpuSeconds } from '../proxy/cpu-usage.js';

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export interface Figure {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU microseconds per request of the server process (undefined without /proc). */
  cpuUs?: number;
}

interface AutocannonJson {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
}

export async function measure(
  url: string,
  options: { pid: number | undefined; headers: Record<string, string>; seconds: number },
): Promise<Figure> {
  const args = [AUTOCANNON, '-j', '-c', '32', '-d', String(options.seconds)];
  for (const [k, v] of Object.entries(options.headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const before = cpuSeconds(options.pid);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  const after = cpuSeconds(options.pid);
  const r = JSON.parse(out) as AutocannonJson;
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
  const rps = r.requests.total / r.duration;
  return {
    rps,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ...(before === undefined || after === undefined
      ? {}
      : { cpuUs: ((after - before) * 1e6) / r.requests.total }),
  };
}
