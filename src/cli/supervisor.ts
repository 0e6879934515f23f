/**
 * `npm start`'s supervisor: the services in start order, and one way to stop them — in reverse
 * order, each after the one that depends on it is gone (proxy, monolith, then the database). A
 * stop request (a signal to npm start, see start.ts), a service that was asked to stop (it
 * exits, or its process says so), or a service that cannot be kept up stops the stack, once.
 */
import type { Logger } from '../lib/logger.js';
import type { ServiceSpec } from './stack-services.js';
import { superviseService, type SupervisedService } from './supervised-service.js';

export interface StackEnd {
  code: number;
  /** Why the stack could not be kept up (printed as the last line); none after a stop request. */
  failure?: string;
}

export interface Supervisor {
  /** Starts a service; it is stopped before every service added earlier. */
  add(spec: ServiceSpec): SupervisedService;
  /** Restarts the named service because its code changed (`npm run dev`). */
  restartForChange(name: string, files: string[]): void;
  stop(reason: string, end?: StackEnd): Promise<void>;
  isStopping(): boolean;
  /** Resolves once every service is stopped. */
  finished: Promise<StackEnd>;
}

export interface SupervisorOptions {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  execArgv: string[];
  watchMode: boolean;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { logger } = options;
  const services: SupervisedService[] = [];
  let stopping: Promise<void> | undefined;
  let finish: (end: StackEnd) => void = () => undefined;
  const finished = new Promise<StackEnd>((resolve) => (finish = resolve));

  const stop = (reason: string, end: StackEnd = { code: 0 }): Promise<void> => {
    if (stopping) return stopping;
    logger.info({ reason }, 'stopping the stack');
    stopping = (async () => {
      for (const service of [...services].reverse()) {
        // One service that fails to stop must not keep the next (the database) running.
        await service.stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
      }
      finish(end);
    })();
    return stopping;
  };

  return {
    add(spec) {
      const service = superviseService(spec, {
        logger,
        env: options.env,
        execArgv: options.execArgv,
        watchMode: options.watchMode,
        hooks: {
          stopRequested: (reason) => void stop(reason),
          failed: (failure, code) => void stop(failure, { code, failure }),
        },
      });
      services.push(service);
      if (stopping) return service; // never started: the stack is already on its way down
      service.start();
      return service;
    },
    restartForChange(name, files) {
      if (stopping) return;
      void services.find((s) => s.name === name)?.restartForChange(files);
    },
    stop,
    isStopping: () => stopping !== undefined,
    finished,
  };
}
