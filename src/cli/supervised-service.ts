/**
 * One service of `npm start` kept up over its runs: launched, watched until ready, restarted with
 * backoff when it crashes (exit-decision.ts), restarted at once when its code changes (`npm run
 * dev`), stopped on request. Ending the stack is the supervisor's decision: this only reports
 * that the service was asked to stop, or cannot be kept up.
 */
import type { Logger } from '../lib/logger.js';
import { decideAfterExit, type ServiceExit } from './exit-decision.js';
import { createCrashCounter } from './restart-policy.js';
import { launchServiceProcess, type ServiceProcess } from './service-process.js';
import { READY_WAIT_MS, watchReadiness, type ReadyInfo } from './service-readiness.js';
import type { ServiceSpec } from './stack-services.js';

export type { ReadyInfo } from './service-readiness.js';

export interface ServiceHooks {
  /** The service stopped because it was asked to (a signal sent to it): stop the stack. */
  stopRequested(reason: string): void;
  /** The service cannot be kept up: stop the stack with this message and exit code. */
  failed(message: string, exitCode: number): void;
}

export interface SupervisedService {
  name: string;
  start(): void;
  /** Its first readiness (undefined if it stopped before); later runs are only logged. */
  ready(): Promise<ReadyInfo | undefined>;
  restartForChange(files: string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisedServiceOptions {
  logger: Logger;
  hooks: ServiceHooks;
  env: NodeJS.ProcessEnv;
  execArgv: string[];
  /** `npm run dev`: a service that cannot be kept up waits for a change to its code instead. */
  watchMode: boolean;
}

type State = 'running' | 'waiting' | 'restarting' | 'parked' | 'stopping' | 'stopped';

export function superviseService(
  spec: ServiceSpec,
  options: SupervisedServiceOptions,
): SupervisedService {
  const { logger, hooks } = options;
  const service = spec.name;
  const crashes = createCrashCounter();
  let current: ServiceProcess | undefined;
  let state: State = 'waiting';
  let runs = 0;
  let everReady = false;
  let timer: NodeJS.Timeout | undefined;
  let announce: (info: ReadyInfo | undefined) => void = () => undefined;
  const firstReady = new Promise<ReadyInfo | undefined>((resolve) => (announce = resolve));

  function launch(): void {
    const restarts = runs++;
    const proc = launchServiceProcess({
      file: spec.file,
      env: { ...options.env, ...spec.env },
      execArgv: options.execArgv,
      stopWith: spec.stopWith,
      stopTimeoutMs: spec.stopTimeoutMs,
    });
    const startedAt = Date.now();
    [current, state] = [proc, 'running'];
    logger.info({ service, pid: proc.pid, restarts }, 'started');
    const ready = (info: ReadyInfo) => {
      if (current !== proc) return;
      everReady ||= !info.late;
      if (info.late) logger.warn({ service, waitedMs: READY_WAIT_MS }, 'not ready yet');
      // The database's ready message carries its URL with credentials: never logged.
      else logger.info({ service, restarts, url: spec.readyUrl }, 'ready');
      announce(info);
    };
    watchReadiness(proc, spec.readyUrl, ready, (signal) =>
      hooks.stopRequested(`${signal} to the ${service}`),
    );
    void proc.exited.then((exit) => exited(proc, exit, Date.now() - startedAt));
  }

  function exited(proc: ServiceProcess, exit: ServiceExit, uptimeMs: number): void {
    if (current !== proc || state === 'stopping' || state === 'restarting') return;
    current = undefined;
    const decision = decideAfterExit(exit, {
      service,
      restartable: spec.restart,
      everReady,
      firstRun: runs === 1,
      uptimeMs,
      crashes,
    });
    if (decision.action === 'stop-stack') {
      state = 'stopped';
      logger.info({ service, code: exit.code, signal: exit.signal }, 'stopped');
      announce(undefined);
      return hooks.stopRequested(decision.reason);
    }
    if (decision.action === 'give-up') return cannotKeepUp(decision.message, decision.exitCode);
    const { attempt, delayMs } = decision;
    logger.error({ ...exit, service, attempt, restartInMs: delayMs }, 'crashed');
    state = 'waiting';
    timer = setTimeout(launch, delayMs);
  }

  function cannotKeepUp(message: string, exitCode: number): void {
    if (options.watchMode && spec.watch.length > 0) {
      state = 'parked';
      logger.error({ service }, `${message}: waiting for a change to its code`);
      return;
    }
    state = 'stopped';
    logger.error({ service }, message);
    announce(undefined);
    hooks.failed(message, exitCode);
  }

  return {
    name: service,
    start: launch,
    ready: () => firstReady,
    async restartForChange(files) {
      if (state === 'stopping' || state === 'stopped' || state === 'restarting') return;
      logger.info({ service, changed: files }, 'restarting');
      clearTimeout(timer);
      crashes.reset();
      state = 'restarting';
      await current?.stop();
      if (state === 'restarting') launch();
    },
    async stop() {
      clearTimeout(timer);
      if (state === 'stopped' || state === 'stopping') return;
      state = 'stopping';
      const proc = current;
      if (proc?.isRunning()) logger.info({ service, pid: proc.pid }, 'stopping');
      const exit = proc ? await proc.stop() : undefined;
      [current, state] = [undefined, 'stopped'];
      logger.info({ service, code: exit?.code, signal: exit?.signal }, 'stopped');
      announce(undefined);
    },
  };
}
