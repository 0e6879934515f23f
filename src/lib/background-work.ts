import type { Logger } from './logger.js';

/**
 * Work a response does not wait for: it runs after the answer is sent, its failure is logged
 * (by name, never with the request's values), and close() can wait for what is still running.
 */
export interface BackgroundWork {
  run(name: string, work: () => Promise<unknown>): void;
  /** Resolves once nothing is running (including work started while waiting). */
  drain(): Promise<void>;
}

export function createBackgroundWork(logger: Logger): BackgroundWork {
  const running = new Set<Promise<unknown>>();
  return {
    run(name, work) {
      const task = Promise.resolve()
        .then(work)
        .catch((error: unknown) => logger.error({ err: error }, `${name} failed`))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
