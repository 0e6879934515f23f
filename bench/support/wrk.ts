import { execFile, spawnSync } from 'node:child_process';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
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

/** Closed-loop load with wrk (one thread, `connections` keep-alive connections). */
export function runWrk(
  url: string,
  options: {
    connections: number;
    seconds: number;
    headers: Record<string, string>;
    script?: string;
  },
): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  if (options.script) args.push('-s', options.script);
  for (const [k, v] of Object.entries(options.headers)) args.push('-H', `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, (error, stdout) => {
      if (error) return reject(error);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const p50 = /^\s+50%\s+(\S+)/m.exec(stdout);
      const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
      const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: .*/.exec(stdout);
      if (!rps || !p50 || !p99) return reject(new Error(`unexpected wrk output:\n${stdout}`));
      if (errors) return reject(new Error(`wrk saw errors:\n${stdout}`));
      resolve({ rps: Number(rps[1]), p50Ms: toMs(p50[1]!), p99Ms: toMs(p99[1]!) });
    });
  });
}
