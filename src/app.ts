import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import type { AppDeps } from './deps.js';
import { createAccountPagesRouter } from './account-pages/account-pages-router.js';
import { createApiAuth } from './api/api-auth.js';
import { createAdminRouter } from './api/admin-router.js';
import { createContactsRouter } from './contacts/contacts-router.js';
import { createHealthRouter } from './health/health-router.js';
import { createLegacyAuthRouter } from './legacy-auth/legacy-auth-router.js';
import { createFacadeRouter } from './fu-auth/facade/facade-router.js';
import { createFuAuthRouter, FU_AUTH_PREFIX } from './fu-auth/fu-auth-router.js';
import { AppError } from './errors/app-error.js';
import { createErrorHandler } from './middleware/error-handler.js';
import { renderBySurface } from './middleware/render-by-surface.js';
import { createRequestLogger } from './lib/http/request-logger.js';
import { API_BODY_LIMIT_BYTES } from './lib/http/body-reader.js';
import { API_JSON_BODY } from './lib/contracts/body-profiles.js';
import { readLegacyBody } from './middleware/read-body.js';
import { createHotPaths, withHotPaths, type HotPathsDeps } from './hot-paths/hot-paths.js';

/**
 * The monolith's request listener: the hot paths (src/hot-paths) in front of the Express app.
 * No I/O, no listen.
 */
export function createApp(deps: AppDeps): RequestListener {
  return withHotPaths(createHotPaths(hotPathsDeps(deps)), createExpressApp(deps));
}

/** What the hot paths share with the app's own routes: the same objects, not copies. */
export function hotPathsDeps(deps: AppDeps): HotPathsDeps {
  return {
    logger: deps.logger,
    resolve: deps.sessions.resolve,
    legacySessions: deps.legacySessions,
    claims: deps.sessions.claims,
    authenticator: deps.fuAuth.deps.authenticator,
    requiresVerification: deps.fuAuth.deps.requiresVerification,
    contacts: deps.contacts,
  };
}

/** The monolith's Express app: every route, hot ones included. */
export function createExpressApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.http.trustProxy);
  app.use(createRequestLogger(deps.logger));
  // First, so the routing claim is written after every other cookie of a response.
  app.use(deps.sessions.claims.middleware);

  app.use(createHealthRouter(deps.readiness));
  app.use(
    '/auth',
    createLegacyAuthRouter({
      service: deps.legacyAuth,
      passport: deps.passport,
      portable: deps.sessions,
      throttles: deps.throttles,
    }),
  );

  app.use(
    FU_AUTH_PREFIX,
    createFuAuthRouter({
      ...deps.fuAuth.deps,
      logger: deps.logger,
      facade: createFacadeRouter({
        ...deps.fuAuth.facade,
        logger: deps.logger,
        portable: deps.sessions,
      }),
    }),
  );

  const api = express.Router();
  // The one body reader (depth and size bounded before parsing), as on the auth routes.
  api.use(readLegacyBody(API_JSON_BODY, API_BODY_LIMIT_BYTES), ...createApiAuth(deps.sessions));
  api.use('/contacts', createContactsRouter(deps.contacts));
  api.use('/admin', createAdminRouter(deps.legacyUsers));
  app.use('/api', api);
  // What the reset and verification e-mails link to (PUBLIC_URL may point at the app's own pages).
  app.use(createAccountPagesRouter());

  app.use((_req, _res, next) => next(new AppError('NOT_FOUND')));
  app.use(createErrorHandler({ logger: deps.logger, render: renderBySurface }));
  return app;
}
