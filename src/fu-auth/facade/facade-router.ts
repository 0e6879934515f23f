/**
 * The legacy facade: the legacy contract's `/auth/*` routes at `/fu_auth/legacy/*`, served by the
 * new engine with the legacy bodies, errors and integer ids (contracts/legacy.md). The proxy sends
 * users on the new arm here. It shares the legacy engine's request schemas and error renderer, so
 * the two cannot differ in what a client sees; the same contract suite runs against both.
 */
import express, { type Request, type RequestHandler, type Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { renderLegacyError } from '../../legacy-auth/render-error.js';
import { changePasswordBody, loginBody, registerBody } from '../../legacy-auth/schemas.js';
import type { Clock } from '../../lib/clock.js';
import { createErrorHandler } from '../../http/error-handler.js';
import { readLegacyBody } from '../../http/read-body.js';
import { LEGACY_JSON_BODY, LEGACY_LOGIN_BODY } from '../../lib/contracts/body-profiles.js';
import { parseInput } from '../../http/validate.js';
import type { Logger } from '../../lib/logger.js';
import type { Throttles } from '../rate-limit/throttles.js';
import {
  clearFacadeCookie,
  readFacadeToken,
  setFacadeCookie,
  type FacadeCookieSettings,
} from './facade-cookie.js';
import { facadePublicUser, type FacadeAccount, type FacadeService } from './facade-service.js';
import type { FacadeSessionStore } from './facade-session-store.js';
import { resolveFacadeSession } from './resolve-session.js';

export interface FacadeRouterDeps {
  service: FacadeService;
  sessions: FacadeSessionStore;
  throttles: Throttles;
  clock: Clock;
  logger: Logger;
  cookie: FacadeCookieSettings;
}

declare module 'express-serve-static-core' {
  interface Request {
    facadeAccount?: FacadeAccount;
    facadeToken?: string;
  }
}

export function createFacadeRouter(deps: FacadeRouterDeps): Router {
  const router = express.Router();

  const requireLogin: RequestHandler = async (req, _res, next) => {
    const session = await resolveFacadeSession(deps, req);
    if (!session) return next(new AppError('NOT_AUTHENTICATED'));
    req.facadeAccount = session.account;
    req.facadeToken = session.token;
    next();
  };

  /** Like passport's login, a new session replaces the one the request came with. */
  async function startSession(req: Request, res: express.Response, account: FacadeAccount) {
    const previous = readFacadeToken(req);
    if (previous) await deps.sessions.destroy(previous);
    const now = deps.clock.now();
    const expires = new Date(now.getTime() + deps.cookie.maxAgeSeconds * 1000);
    setFacadeCookie(
      res,
      await deps.sessions.create(account.legacy.id, now, expires),
      expires,
      deps.cookie,
    );
  }

  router.post('/login', ...readLegacyBody(LEGACY_LOGIN_BODY), async (req, res) => {
    const body = parseInput(loginBody, req.body ?? {});
    const account = await deps.throttles.login(req.ip, body.email, () =>
      deps.service.login(body.email, body.password),
    );
    await startSession(req, res, account);
    res.status(200).json({ user: facadePublicUser(account) });
  });

  router.post('/logout', requireLogin, async (req, res) => {
    await deps.sessions.destroy(req.facadeToken!);
    clearFacadeCookie(res);
    res.status(204).end();
  });

  router.get('/me', requireLogin, (req, res) => {
    res.status(200).json({ user: facadePublicUser(req.facadeAccount!) });
  });

  router.post('/register', ...readLegacyBody(LEGACY_JSON_BODY), async (req, res) => {
    const account = await deps.service.register(parseInput(registerBody, req.body ?? {}));
    await startSession(req, res, account);
    res.status(201).json({ user: facadePublicUser(account) });
  });

  router.post(
    '/change-password',
    ...readLegacyBody(LEGACY_JSON_BODY),
    requireLogin,
    async (req, res) => {
      const body = parseInput(changePasswordBody, req.body ?? {});
      await deps.service.changePassword(req.facadeAccount!, body);
      res.status(204).end();
    },
  );

  router.use((_req, _res, next) => next(new AppError('NOT_FOUND')));
  router.use(createErrorHandler({ logger: deps.logger, render: renderLegacyError }));
  return router;
}
