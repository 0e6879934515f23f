/**
 * The legacy facade: the legacy contract's `/auth/*` routes at `/fu_auth/legacy/*`, served by the
 * new engine with the legacy bodies, errors and integer ids (docs/design/contracts/legacy.md). It shares the
 * legacy engine's request schemas, error renderer and session routes (src/sessions), so the two
 * cannot differ in what a client sees; the same contract suite runs against both. Its own login
 * issues facade sessions (`crm.sid=fu.…`); every session of either engine is honoured here.
 */
import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { renderLegacyError } from '../../legacy-auth/render-error.js';
import { loginBody, registerBody } from '../../legacy-auth/schemas.js';
import type { Clock } from '../../lib/clock.js';
import { createErrorHandler } from '../../middleware/error-handler.js';
import { readLegacyBody } from '../../middleware/read-body.js';
import { LEGACY_JSON_BODY, LEGACY_LOGIN_BODY } from '../../lib/contracts/body-profiles.js';
import { parseInput } from '../../middleware/validate.js';
import type { Logger } from '../../lib/logger.js';
import { accountPublicUser } from '../../sessions/account.js';
import { addLegacySessionRoutes } from '../../sessions/legacy-session-routes.js';
import type { PortableSessions } from '../../sessions/portable-sessions.js';
import type { Throttles } from '../../rate-limit/throttles.js';
import { readFacadeToken, setFacadeCookie, type FacadeCookieSettings } from './facade-cookie.js';
import type { FacadeAccount, FacadeService } from './facade-service.js';
import type { FacadeSessionStore } from './facade-session-store.js';

export interface FacadeRouterDeps {
  service: FacadeService;
  sessions: FacadeSessionStore;
  throttles: Throttles;
  clock: Clock;
  logger: Logger;
  cookie: FacadeCookieSettings;
  portable: PortableSessions;
}

export function createFacadeRouter(deps: FacadeRouterDeps): Router {
  const { portable } = deps;
  const router = express.Router();
  // No facade route logs in through passport: the legacy session matters only when carried.
  router.use(portable.legacySessionIfCarried);

  /**
   * Like passport's login, a new session replaces the one the request came with, whichever
   * engine issued it (an express-session one would otherwise write its cookie over this one).
   * A login (`password` given) confirms the stored session before handing it out: a password
   * change that overtook the login ends it, and the login is refused as that password now is.
   */
  async function startSession(
    req: Request,
    res: Response,
    account: FacadeAccount,
    password?: string,
  ) {
    const previous = readFacadeToken(req);
    if (previous) await deps.sessions.destroy(previous);
    await portable.destroyLegacySession(req);
    const now = deps.clock.now();
    const expires = new Date(now.getTime() + deps.cookie.maxAgeSeconds * 1000);
    const token = await deps.sessions.create(account.legacy.id, now, expires);
    if (password !== undefined) {
      const confirmed = await portable.confirmLogin({
        legacyUserId: account.legacy.id,
        source: account.user ? 'user' : 'legacy',
        hash: account.user ? account.user.hashedPassword : account.legacy.hashedPassword,
        password,
      });
      if (!confirmed) {
        await deps.sessions.destroy(token);
        throw new AppError('INVALID_CREDENTIALS');
      }
    }
    setFacadeCookie(res, token, expires, deps.cookie);
    const user = accountPublicUser(account);
    portable.claims.issue(res, user.email);
    return user;
  }

  router.post('/login', ...readLegacyBody(LEGACY_LOGIN_BODY), async (req, res) => {
    const body = parseInput(loginBody, req.body ?? {});
    const account = await deps.throttles.login(req.ip, body.email, () =>
      deps.service.login(body.email, body.password),
    );
    res.status(200).json({ user: await startSession(req, res, account, body.password) });
  });

  router.post('/register', ...readLegacyBody(LEGACY_JSON_BODY), async (req, res) => {
    const body = parseInput(registerBody, req.body ?? {});
    await deps.throttles.register(req.ip);
    const account = await deps.service.register(body);
    res.status(201).json({ user: await startSession(req, res, account) });
  });

  addLegacySessionRoutes(router, {
    portable,
    changePassword: (account, body, keep) => deps.service.changePassword(account, body, keep),
  });

  router.use((_req, _res, next) => next(new AppError('NOT_FOUND')));
  router.use(createErrorHandler({ logger: deps.logger, render: renderLegacyError }));
  return router;
}
