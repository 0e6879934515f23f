import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts a TypeScript entry point of this repository as a real process (through tsx). */
export function startProcess(
  entry: string,
  env: Record<string, string | undefined>,
  args: string[] = [],
): RunningProcess {
  const child = fork(`${ROOT}${entry}`, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    output: () => output,
    exited,
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers `status` (or the process dies, or time runs out). */
export async function waitForHttp(
  url: string,
  proc: RunningProcess,
  status = 200,
  timeoutMs = 20_000,
): Promise<void> {
  await eventually(
    async () => {
      try {
        return (await fetch(url)).status === status;
      } catch {
        return false; // not listening yet
      }
    },
    {
      timeoutMs,
      intervalMs: 100,
      what: () => `${url} to answer ${status}:\n${proc.output()}`,
      abort: () => (proc.child.exitCode !== null ? 'the process exited' : undefined),
    },
  );
}
