/**
 * The proxy's process entry: env → config → deps → policy store → servers → listen; SIGTERM
 * drains in-flight requests. The only proxy file that reads the environment, listens or exits.
 */
import { drain, listen, onShutdownSignal } from '../src/lib/http/serve.js';
import { createAdminServer } from './admin/admin-server.js';
import { runEntry } from './cli/run-entry.js';
import { loadProxyConfig } from './config.js';
import { buildProxyDeps } from './deps.js';
import { createProxyServer } from './server.js';

runEntry(async () => {
  const config = loadProxyConfig(process.env);
  const deps = buildProxyDeps(config);
  const { logger } = deps;
  await deps.policyStore.start(); // never throws: an unreachable database leaves the fail-safe policy
  const proxy = createProxyServer(deps);
  const admin = createAdminServer(deps);
  const port = await listen(proxy.server, config.listen.port, config.listen.host);
  const adminPort = await listen(admin, config.admin.port, config.admin.host);
  logger.info({ port, adminPort, upstreams: config.upstreams }, 'proxy listening');

  // When started by `npm start`, die with the parent instead of lingering as an orphan.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

  await new Promise<void>((resolve) => {
    onShutdownSignal(async (signal) => {
      logger.info({ signal }, 'draining');
      await Promise.all([drain(proxy.server, config.drainTimeoutMs), drain(admin, 1000)]);
      proxy.closeUpstreams();
      await deps.close();
      logger.info('drained');
      resolve();
    });
  });
});
