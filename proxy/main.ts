/**
 * The proxy's process entry: env → config → deps → policy store → servers → listen; SIGTERM
 * drains in-flight requests. The only proxy file that reads the environment, listens or exits.
 * With PROXY_WORKERS > 1 this process becomes a cluster primary: it serves the admin port for
 * the whole cluster and supervises the workers, each of which runs the data plane below.
 */
import cluster from 'node:cluster';
import { drain, listen, onShutdownSignal } from '../src/lib/http/serve.js';
import { createAdminServer } from './admin/admin-server.js';
import { runMain } from '../src/lib/cli/run-cli.js';
import { ClusterRegistry, answerMetricRequests } from './cluster/cluster-metrics.js';
import { createSupervisor } from './cluster/supervisor.js';
import { createWorkerBoard } from './cluster/worker-board.js';
import { isShutdownRequest } from './cluster/worker-messages.js';
import { startWorkerReporter } from './cluster/worker-reporter.js';
import { loadProxyConfig, type ProxyConfig } from './config.js';
import { buildProxyDeps } from './deps.js';
import { createProxyServer } from './server.js';

runMain(async () => {
  const config = loadProxyConfig(process.env);
  if (config.workers > 1 && cluster.isPrimary) return runClusterPrimary(config);
  return runDataPlane(config);
});

/** One proxy instance; in a cluster worker, without the admin port (the primary serves it). */
async function runDataPlane(config: ProxyConfig): Promise<void> {
  const deps = buildProxyDeps(config);
  const { logger } = deps;
  await deps.start(); // never throws: an unreachable database leaves the fail-safe policy
  const proxy = createProxyServer(deps);
  const admin = cluster.isWorker ? undefined : createAdminServer(deps);
  const port = await listen(proxy.server, config.listen.port, config.listen.host);
  const adminPort = admin && (await listen(admin, config.admin.port, config.admin.host));
  logger.info({ port, adminPort, upstreams: config.upstreams }, 'proxy listening');
  if (cluster.isWorker) {
    answerMetricRequests(deps.metrics.registry);
    startWorkerReporter({
      policyStore: deps.policyStore,
      guard: deps.guard,
      series: deps.series,
      clock: deps.clock,
      send: (message) => process.send?.(message),
      channel: process,
    });
  }

  // When started by `npm start` (or a cluster primary), die with the parent, not as an orphan.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

  await new Promise<void>((resolve) => {
    const stop = once(async (signal: string) => {
      logger.info({ signal }, 'draining');
      await Promise.all([
        drain(proxy.server, config.drainTimeoutMs),
        admin ? drain(admin, 1000) : undefined,
      ]);
      proxy.closeUpstreams();
      await deps.close();
      logger.info('drained');
      resolve();
    });
    onShutdownSignal(stop);
    process.on('message', (message) => isShutdownRequest(message) && void stop('primary'));
  });
}

/** The cluster primary: admin port for the whole cluster, workers supervised, drained on SIGTERM. */
async function runClusterPrimary(config: ProxyConfig): Promise<void> {
  const deps = buildProxyDeps(config); // never started: the workers' policy stores count
  const { logger } = deps;
  const board = createWorkerBoard({
    workers: config.workers,
    guardSettings: config.guard,
    askRefresh: (id) => supervisor.askRefresh(id),
    series: deps.series,
  });
  const supervisor = createSupervisor({
    cluster,
    workers: config.workers,
    logger,
    onState: board.update,
    onExit: board.remove,
    shutdownTimeoutMs: config.drainTimeoutMs + 5000,
  });
  supervisor.start();
  const admin = createAdminServer({
    ...deps,
    policyStore: board.policyStore,
    guard: board.guard,
    metrics: { ...deps.metrics, registry: new ClusterRegistry() },
  });
  const adminPort = await listen(admin, config.admin.port, config.admin.host);
  logger.info({ workers: config.workers, adminPort }, 'proxy cluster started');

  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  await new Promise<void>((resolve) => {
    onShutdownSignal(async (signal) => {
      logger.info({ signal }, 'draining workers');
      await supervisor.stop();
      await drain(admin, 1000);
      await deps.close();
      logger.info('drained');
      resolve();
    });
  });
}

function once<A extends unknown[]>(work: (...args: A) => Promise<void>) {
  let running: Promise<void> | undefined;
  return (...args: A) => (running ??= work(...args));
}
