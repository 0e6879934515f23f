/**
 * `npm start` and `npm run dev` as a user runs them: the real npm, in its own process group and
 * session (a terminal's foreground job, so a test can send the whole group a Ctrl-C), on free
 * ports and a private DATA_DIR. The supervisor's JSON log lines are parsed for the test to wait
 * on; the process tree is read from /proc, and every process ever seen below npm is killed at
 * cleanup if it still runs, so a failing test leaves nothing behind on the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants, readProcess, type ProcessInfo } from './process-tree.js';
import { freePort } from './processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface StackPorts {
  port: number;
  proxyPort: number;
  adminPort: number;
  pgPort: number;
}

export async function stackPorts(): Promise<StackPorts> {
  const [port, proxyPort, adminPort, pgPort] = await Promise.all(
    [0, 1, 2, 3].map(() => freePort()),
  );
  return { port: port!, proxyPort: proxyPort!, adminPort: adminPort!, pgPort: pgPort! };
}

/** A DATA_DIR of its own (the embedded PostgreSQL's cluster lives in DATA_DIR/postgres). */
export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-stack-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function stackEnv(
  dataDir: string,
  ports: StackPorts,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    PORT: String(ports.port),
    PROXY_PORT: String(ports.proxyPort),
    PROXY_ADMIN_PORT: String(ports.adminPort),
    EMBEDDED_PG_PORT: String(ports.pgPort),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export interface LogEvent {
  name?: string;
  msg?: string;
  service?: string;
  [key: string]: unknown;
}

export interface StackRun {
  npm: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** npm's exit code, or 'still running' after `timeoutMs` (a test never waits forever). */
  exitCode(timeoutMs?: number): Promise<number | null | 'still running'>;
  /** Resolves once the output matches; rejects if npm exits first or time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The supervisor's log lines (JSON, `"name":"supervisor"`), in order. */
  events(): LogEvent[];
  waitForEvent(match: (event: LogEvent) => boolean, timeoutMs?: number): Promise<LogEvent>;
  tree(): ProcessInfo[];
  /** The one running process below npm whose command matches. */
  find(pattern: RegExp): ProcessInfo;
  cleanup(): Promise<void>;
}

export function runNpm(args: string[], env: Record<string, string>): StackRun {
  const npm = spawn('npm', args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  npm.stdout!.on('data', append);
  npm.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    npm.once('exit', (code) => {
      resolve(code);
      listeners.forEach((listener) => listener());
    }),
  );
  const seen = new Map<number, string>();
  const tree = () => {
    const found = npm.pid ? descendants(npm.pid) : [];
    found.forEach((p) => seen.set(p.pid, p.command));
    return found;
  };
  // Only to know what to clean up after a failure, never to coordinate a test.
  const recorder = setInterval(tree, 200);
  const events = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line) as LogEvent;
        } catch {
          return {};
        }
      })
      .filter((event) => event.name === 'supervisor');

  const until = <T>(check: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const done = (error?: Error, value?: T) => {
        listeners.delete(listener);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value!);
      };
      const listener = () => {
        const value = check();
        if (value !== undefined) done(undefined, value);
        else if (npm.exitCode !== null || npm.signalCode !== null)
          done(
            new Error(`npm exited (${npm.exitCode ?? npm.signalCode}) before ${what}:\n${output}`),
          );
      };
      const timer = setTimeout(
        () => done(new Error(`no ${what} within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      listeners.add(listener);
      listener();
    });

  return {
    npm,
    output: () => output,
    exited,
    exitCode(timeoutMs = 90_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'still running'>(
        (resolve) => (timer = setTimeout(() => resolve('still running'), timeoutMs)),
      );
      return Promise.race([exited, late]).finally(() => clearTimeout(timer));
    },
    waitForOutput: (pattern, timeoutMs = 90_000) =>
      until(() => output.match(pattern) ?? undefined, String(pattern), timeoutMs),
    events,
    waitForEvent: (match, timeoutMs = 90_000) =>
      until(() => events().find(match), 'the expected supervisor event', timeoutMs),
    tree,
    find(pattern) {
      const matches = tree().filter((p) => pattern.test(p.command));
      if (matches.length !== 1)
        throw new Error(`${matches.length} processes match ${pattern}:\n${JSON.stringify(tree())}`);
      return matches[0]!;
    },
    async cleanup() {
      clearInterval(recorder);
      tree();
      for (const [pid, command] of seen) {
        // Only a process that is still the one seen (a PID can be reused).
        if (readProcess(pid)?.command === command) process.kill(pid, 'SIGKILL');
      }
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      await exited;
    },
  };
}

/** The banner line that says the stack serves. */
export const RUNNING = /authshift is running/;
