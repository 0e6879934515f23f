/**
 * The admin port (PROXY_ADMIN_PORT, loopback by default), an Express app: `/healthz` and
 * `/readyz` open; the dashboard's pages (dashboard-routes.ts); and, behind the bearer token or a
 * dashboard session (admin-auth.ts), `/metrics` (Prometheus) and the JSON API of admin-routes.ts.
 * Every error, 404 and 405 included, is rendered once, in the proxy's JSON error format
 * (admin-errors.ts). The data plane stays on bare node:http for its latency; this port does not
 * need to.
 */
import { createServer, type Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { ProxyDeps } from '../deps.js';
import { createAdminAuth } from './admin-auth.js';
import { methodNotAllowed, notFound, renderAdminError } from './admin-errors.js';
import { createAdminRouter } from './admin-routes.js';
import { createDashboardRouter } from './dashboard-routes.js';
import { createDashboardSessionStore } from './dashboard-session-store.js';
import { createLoginThrottle } from './login-throttle.js';
import { createPageSender } from './static-files.js';

/** Nothing the admin port answers is for a cache, unless a route says otherwise. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};

/** `/healthz` (the process answers) and `/readyz` (the policy is loaded): open to anyone. */
function probeRouter({ policyStore }: ProxyDeps): express.Router {
  const router = express.Router();
  const health: RequestHandler = (_req, res) => {
    res.json({ status: 'ok' });
  };
  const ready: RequestHandler = (_req, res) => {
    const loaded = policyStore.isLoaded();
    res.status(loaded ? 200 : 503).json({
      status: loaded ? 'ready' : 'starting',
      policy_version: policyStore.current().version,
      database: policyStore.isDatabaseUp() ? 'ok' : 'unreachable',
    });
  };
  router.route('/healthz').get(health).all(methodNotAllowed);
  router.route('/readyz').get(ready).all(methodNotAllowed);
  return router;
}

export function createAdminApp(deps: ProxyDeps): express.Express {
  const { config, clock, logger } = deps;
  const sessions = createDashboardSessionStore(deps.pool);
  const auth = createAdminAuth({ token: config.admin.token, sessions, clock });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(noStore);

  app.use(probeRouter(deps));

  app.use(
    '/dashboard',
    createDashboardRouter({
      auth,
      sessions,
      token: config.admin.token,
      sessionSeconds: config.dashboard.sessionSeconds,
      clock,
      logger,
      throttle: createLoginThrottle({ ...config.dashboard.login, clock }),
      sendPage: createPageSender(),
    }),
  );

  app.use(auth.requireAdmin);
  app
    .route('/metrics')
    .get(async (_req, res) => {
      const text = await deps.metrics.registry.metrics();
      res.type(deps.metrics.registry.contentType).send(text);
    })
    .all(methodNotAllowed);
  app.use('/api', createAdminRouter(deps));
  app.use(notFound);
  app.use(renderAdminError(logger));
  return app;
}

export function createAdminServer(deps: ProxyDeps): Server {
  return createServer(createAdminApp(deps));
}
