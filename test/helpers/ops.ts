import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { buildOpsDeps } from '../../src/cutover/ops-deps.js';
import type { OpsDeps } from '../../src/cutover/ops.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { Phase1Database } from './consolidation.js';
import { testConfig } from './test-deps.js';

/** The cutover/rollback dependencies on a scratch database, with every printed line captured. */
export function testOpsDeps(
  db: Phase1Database,
  smokeUrl: string | null,
): OpsDeps & { lines: string[] } {
  const lines: string[] = [];
  const deps = buildOpsDeps({
    config: testConfig({ CUTOVER_PROPAGATION_MS: '800', CUTOVER_BATCH_SIZE: '50' }),
    sequelize: db.sequelize,
    databaseUrl: db.url,
    logger: silentLogger(),
    print: (line) => lines.push(line),
    smokeUrl,
  });
  return Object.assign(deps, { lines });
}

/** Serves an app on a loopback port (the smoke tests' "running stack" for in-process tests). */
export async function serve(
  app: RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
