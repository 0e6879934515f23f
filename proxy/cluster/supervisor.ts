/**
 * The cluster primary's workers: forks PROXY_WORKERS data-plane workers (each one a whole proxy
 * instance with its own policy store, LISTEN connection, guard and metrics, sharing the client
 * port), replaces a worker that dies, relays their state reports, and at shutdown asks every
 * worker to drain and waits for all of them to exit.
 */
import type { Cluster, Worker } from 'node:cluster';
import type { Logger } from '../../src/lib/logger.js';
import {
  isWorkerState,
  REFRESH_REQUEST,
  SHUTDOWN_REQUEST,
  type WorkerState,
} from './worker-messages.js';

export interface SupervisorDeps {
  cluster: Cluster;
  workers: number;
  logger: Logger;
  onState(workerId: number, state: WorkerState): void;
  onExit(workerId: number): void;
  /** A worker that dies is replaced after this delay (a crash loop must not spin). */
  respawnDelayMs?: number;
  /** After a shutdown request, a worker still running this long is killed. */
  shutdownTimeoutMs: number;
}

export function createSupervisor(deps: SupervisorDeps) {
  const { cluster, logger } = deps;
  let stopping = false;
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);

  function fork(): void {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (isWorkerState(message)) deps.onState(worker.id, message);
    });
  }

  cluster.on('exit', (worker, code, signal) => {
    deps.onExit(worker.id);
    if (stopping) return;
    logger.error({ worker: worker.id, code, signal }, 'proxy worker died; starting another');
    setTimeout(() => !stopping && fork(), deps.respawnDelayMs ?? 500).unref();
  });

  return {
    start(): void {
      for (let i = 0; i < deps.workers; i++) fork();
    },
    /** Sends a refresh request to every connected worker; returns the ids asked. */
    askRefresh(id: number): number[] {
      const asked = live().filter((w) => w.isConnected());
      for (const worker of asked) worker.send({ type: REFRESH_REQUEST, id });
      return asked.map((w) => w.id);
    },
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(
        live().map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const kill = setTimeout(() => worker.process.kill('SIGKILL'), deps.shutdownTimeoutMs);
              worker.once('exit', () => (clearTimeout(kill), resolve()));
              if (worker.isConnected()) worker.send({ type: SHUTDOWN_REQUEST });
              else worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
