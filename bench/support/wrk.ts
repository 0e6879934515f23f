/**
 * wrk, the load generator of the benchmarks: a separate process written in C, so generating load
 * costs the measured machine a few microseconds per request, not the milliseconds an in-process
 * fetch() loop takes from the CPU the measured process needs.
 */
import { execFile, spawnSync } from 'node:child_process';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface WrkRun extends LoadResult {
  /** Responses counted, and those that were not 2xx/3xx. */
  requests: number;
  non2xx: number;
  /** connect + read + write + timeout errors. */
  socketErrors: number;
  seconds: number;
}

export interface WrkOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** A Lua script (request shape, think time). */
  script?: string;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
  if (!m) throw new Error(`cannot read wrk latency "${value}"`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** One wrk run (one thread, `connections` keep-alive connections), errors counted, not thrown. */
export function runWrkCounting(url: string, options: WrkOptions): Promise<WrkRun> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  if (options.script) args.push('-s', options.script);
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, (error, stdout) => {
      if (error) return reject(error);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(stdout);
      const p50 = /^\s+50%\s+(\S+)/m.exec(stdout);
      const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
      if (!rps || !total || !p50 || !p99)
        return reject(new Error(`unexpected wrk output:\n${stdout}`));
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
        stdout,
      );
      resolve({
        rps: Number(rps[1]),
        requests: Number(total[1]),
        non2xx: non2xx ? Number(non2xx[1]) : 0,
        socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
        seconds: Number(total[2]) / (total[3] === 'ms' ? 1000 : 1),
        p50Ms: toMs(p50[1]!),
        p99Ms: toMs(p99[1]!),
      });
    });
  });
}

/** Closed-loop load with wrk; any non-2xx response or socket error fails the run. */
export async function runWrk(url: string, options: WrkOptions): Promise<LoadResult> {
  const run = await runWrkCounting(url, options);
  if (run.non2xx > 0 || run.socketErrors > 0)
    throw new Error(`wrk saw ${run.non2xx} non-2xx responses, ${run.socketErrors} socket errors`);
  return { rps: run.rps, p50Ms: run.p50Ms, p99Ms: run.p99Ms };
}
