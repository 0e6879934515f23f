/**
 * `/fu_auth`: a port of fastapi-users (v15 wire contract, docs/design/contracts/fu_auth.md) that a client
 * written for a fastapi-users backend can use unchanged, plus the legacy facade at `/legacy`.
 * OAuth sign-in (contract §1.3) is mounted per configured provider; it keeps no list-users route
 * (removed upstream on purpose, #338). Unknown paths are `404 {"detail":"Not Found"}`, a known
 * path with another method is `405` with `Allow`, and a trailing slash is redirected (307) like
 * Starlette's `redirect_slashes`, to a relative location.
 */
import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { createErrorHandler } from '../middleware/error-handler.js';
import type { Logger } from '../lib/logger.js';
import type { FuAuthDeps } from './fu-auth-deps.js';
import { createDocsRouter } from './openapi/docs-router.js';
import { routeTable } from './openapi/oauth-routes.js';
import { methodsAt, type RouteSpec } from './openapi/openapi-routes.js';
import { renderFuError } from './render-error.js';
import { addAuthRoutes } from './routes/auth.js';
import { addOAuthRoutes } from './routes/oauth.js';
import { addRegisterRoutes } from './routes/register.js';
import { addResetPasswordRoutes } from './routes/reset-password.js';
import { addUserRoutes } from './routes/users.js';
import { addVerifyRoutes } from './routes/verify.js';

export const FU_AUTH_PREFIX = '/fu_auth';

export function createFuAuthRouter(deps: FuAuthDeps & { logger: Logger; facade: Router }): Router {
  const router = express.Router({ strict: true });
  router.use('/legacy', deps.facade);

  const routes = express.Router({ strict: true });
  addAuthRoutes(routes, deps);
  addRegisterRoutes(routes, deps);
  addResetPasswordRoutes(routes, deps);
  addVerifyRoutes(routes, deps);
  addUserRoutes(routes, deps);
  addOAuthRoutes(routes, deps);
  router.use(routes);
  const table = routeTable(deps.oauth.providers.map(({ config }) => config));
  router.use(createDocsRouter(FU_AUTH_PREFIX, table));

  router.use(unmatched(table));
  router.use(createErrorHandler({ logger: deps.logger, render: renderFuError }));
  return router;
}

const unmatched =
  (table: readonly RouteSpec[]): RequestHandler =>
  (req, res, next) => {
    const allowed = methodsAt(req.path, table);
    if (allowed.length > 0)
      return next(new AppError('METHOD_NOT_ALLOWED', { headers: { Allow: allowed.join(', ') } }));
    const trimmed = req.path.replace(/\/+$/, '');
    if (trimmed !== req.path && methodsAt(trimmed, table).length > 0) {
      const q = req.originalUrl.indexOf('?');
      const query = q >= 0 ? req.originalUrl.slice(q) : '';
      // A relative reference (RFC 9110 §10.2.2): Starlette builds an absolute URL from the Host
      // header, which let any client put another host into this service's redirects. `trimmed` is
      // a known route path, so the reference always starts with a single `/`.
      res.status(307).setHeader('location', `${req.baseUrl}${trimmed}${query}`);
      return res.end();
    }
    next(new AppError('NOT_FOUND'));
  };
