/**
 * The admin port (PROXY_ADMIN_PORT, loopback by default): `/healthz` and `/readyz` open; the
 * dashboard's pages (dashboard-routes.ts); and, behind the bearer token or a dashboard session,
 * `/metrics` (Prometheus) and the JSON API of admin-routes.ts. Errors use the proxy's JSON error
 * registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../src/lib/logger.js';
import type { ProxyDeps } from '../deps.js';
import { ProxyError, sendError } from '../proxy-errors.js';
import { adminPrincipal } from './admin-auth.js';
import { createAdminRoutes } from './admin-routes.js';
import { createDashboardRoutes } from './dashboard-routes.js';
import { createLoginThrottle } from './login-throttle.js';
import { sendJson } from './json-io.js';
import { isDashboardCall } from './same-origin.js';
import { createAssetServer } from './static-files.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function createAdminServer(deps: ProxyDeps): Server {
  const routes = createAdminRoutes(deps);
  const dashboard = createDashboardRoutes({
    token: deps.config.admin.token,
    sessionSeconds: deps.config.dashboard.sessionSeconds,
    clock: deps.clock,
    logger: deps.logger,
    throttle: createLoginThrottle({ ...deps.config.dashboard.login, clock: deps.clock }),
    assets: createAssetServer(),
  });
  const open: Record<string, (res: ServerResponse) => Promise<void>> = {
    'GET /healthz': async (res) => sendJson(res, 200, { status: 'ok' }),
    'GET /readyz': async (res) => {
      const loaded = deps.policyStore.isLoaded();
      sendJson(res, loaded ? 200 : 503, {
        status: loaded ? 'ready' : 'starting',
        policy_version: deps.policyStore.current().version,
        database: deps.policyStore.isDatabaseUp() ? 'ok' : 'unreachable',
      });
    },
  };
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => renderError(res, error, deps.logger));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const key = `${req.method} ${url.pathname.replace(/\/$/, '') || '/'}`;
    const openRoute = open[key];
    if (openRoute) return openRoute(res);
    if (await dashboard(req, res, url)) return;
    const principal = adminPrincipal(req, deps.config.admin.token, deps.clock.now().getTime());
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new ProxyError('ADMIN_UNAUTHORIZED');
    }
    // SECURITY: a cookie rides along on any request the browser makes, so cookie-authenticated
    // changes must prove they come from the dashboard page itself (same-origin.ts).
    if (principal === 'dashboard' && !SAFE_METHODS.has(req.method ?? '') && !isDashboardCall(req))
      throw new ProxyError('CROSS_SITE_REQUEST');
    if (key === 'GET /metrics') {
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(text);
      return;
    }
    const route = routes[key];
    if (route) return route(req, res, url, principal);
    const known = [...Object.keys(routes), ...Object.keys(open), 'GET /metrics'].some((k) =>
      k.endsWith(` ${url.pathname}`),
    );
    throw new ProxyError(known ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND');
  }
}

function renderError(res: ServerResponse, error: unknown, logger: Logger): void {
  if (error instanceof ProxyError) {
    if (error.code === 'DATABASE_UNAVAILABLE')
      logger.warn({ err: error.cause }, 'admin: database unavailable');
    sendError(res, error.code, error.details);
    return;
  }
  logger.error({ err: error }, 'admin API failed');
  sendError(res, 'INTERNAL');
}
