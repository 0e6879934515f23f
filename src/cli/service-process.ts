/**
 * One run of one service of `npm start`: a node child process in a process group of its own (so
 * a terminal's Ctrl-C reaches the supervisor only, which stops the services in order), its
 * output on the supervisor's terminal, and an IPC channel (the services stop by themselves when
 * it closes, i.e. when the supervisor is gone). A stop asks once (SIGTERM, or a `stop` message),
 * and ends with SIGKILL after a timeout; whatever the service left in its group (cluster workers,
 * a postgres) is stopped too before the run counts as over.
 */
import { fork } from 'node:child_process';
import { waitFor } from '../lib/process/wait-for.js';
import type { ServiceExit } from './exit-decision.js';

export interface ServiceProcessOptions {
  file: string;
  env: NodeJS.ProcessEnv;
  execArgv: string[];
  /** How to ask it to stop: SIGTERM, or a `{type: 'stop'}` message (it may defer a signal). */
  stopWith: 'SIGTERM' | 'message';
  stopTimeoutMs: number;
}

export interface ServiceProcess {
  pid: number | undefined;
  /** Resolves once the process and everything left in its group are gone. */
  exited: Promise<ServiceExit>;
  isRunning(): boolean;
  onMessage(listener: (message: unknown) => void): void;
  stop(): Promise<ServiceExit>;
}

const LEFTOVER_TIMEOUT_MS = 30_000;

export function launchServiceProcess(options: ServiceProcessOptions): ServiceProcess {
  const child = fork(options.file, [], {
    env: options.env,
    execArgv: options.execArgv,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let running = true;
  const exited = new Promise<ServiceExit>((resolve) => {
    const finish = (exit: ServiceExit) => {
      if (!running) return;
      running = false;
      void endGroup(child.pid).then(() => resolve(exit));
    };
    child.once('exit', (code, signal) => finish({ code, signal }));
    // Only a spawn failure ends a process that never started; other errors (a message that
    // could not be sent to a process on its way out) are followed by 'exit'.
    child.on('error', () => child.pid === undefined && finish({ code: null, signal: null }));
  });
  return {
    pid: child.pid,
    exited,
    isRunning: () => running,
    onMessage: (listener) => child.on('message', listener),
    stop() {
      if (!running) return exited;
      if (options.stopWith === 'message' && child.connected) child.send({ type: 'stop' });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.stopTimeoutMs);
      return exited.finally(() => clearTimeout(timer));
    },
  };
}

/** Stops what the service left in its process group: politely, then for good. */
async function endGroup(pgid: number | undefined): Promise<void> {
  if (!signalGroup(pgid, 'SIGINT')) return;
  if (await waitFor(() => !signalGroup(pgid, 0), LEFTOVER_TIMEOUT_MS)) return;
  signalGroup(pgid, 'SIGKILL');
}

/** False when the group has no process left (or there is no group). */
function signalGroup(pgid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (!pgid) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
