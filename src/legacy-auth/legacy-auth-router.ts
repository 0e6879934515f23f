/**
 * The legacy engine: `/auth/*` with passport-local and express-session, exactly as existing
 * clients know it (contracts/legacy.md). It does not know the new engine exists; the proxy decides
 * who is served here.
 */
import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { readLegacyBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { LEGACY_JSON_BODY, LEGACY_LOGIN_BODY } from '../lib/contracts/body-profiles.js';
import { toLegacyPublicUser, type LegacyUserRecord } from '../users/legacy-user.js';
import type { LegacyAuthService } from './legacy-auth-service.js';
import type { createPassport } from './passport.js';
import { requireLogin } from './require-login.js';
import { changePasswordBody, loginBody, registerBody } from './schemas.js';
import { LEGACY_SESSION_COOKIE } from './session.js';

export interface LegacyAuthRouterDeps {
  service: LegacyAuthService;
  passport: ReturnType<typeof createPassport>;
  session: RequestHandler;
}

export function createLegacyAuthRouter({
  service,
  passport,
  session,
}: LegacyAuthRouterDeps): Router {
  const router = express.Router();
  router.use(session, passport.initialize(), passport.session());

  router.post('/login', ...readLegacyBody(LEGACY_LOGIN_BODY), async (req, res) => {
    parseInput(loginBody, req.body ?? {});
    const user = await authenticateLocal(passport, req, res);
    await logIn(req, user);
    res.status(200).json({ user: toLegacyPublicUser(user) });
  });

  router.post('/logout', requireLogin, async (req, res) => {
    await new Promise<void>((resolve, reject) =>
      req.logout((error) => (error ? reject(error) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      req.session.destroy((error) => (error ? reject(error) : resolve())),
    );
    res.clearCookie(LEGACY_SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/me', requireLogin, (req, res) => {
    res.status(200).json({ user: toLegacyPublicUser(req.user!) });
  });

  router.post('/register', ...readLegacyBody(LEGACY_JSON_BODY), async (req, res) => {
    const body = parseInput(registerBody, req.body ?? {});
    const user = await service.register(body);
    await logIn(req, user);
    res.status(201).json({ user: toLegacyPublicUser(user) });
  });

  router.post(
    '/change-password',
    ...readLegacyBody(LEGACY_JSON_BODY),
    requireLogin,
    async (req, res) => {
      const body = parseInput(changePasswordBody, req.body ?? {});
      await service.changePassword(req.user!, body);
      res.status(204).end();
    },
  );

  return router;
}

function authenticateLocal(
  passport: ReturnType<typeof createPassport>,
  req: express.Request,
  res: express.Response,
): Promise<LegacyUserRecord> {
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate(
      'local',
      (error: unknown, user: LegacyUserRecord | false, info?: { message?: string }) => {
        if (error) return reject(error);
        if (user) return resolve(user);
        reject(
          new AppError(
            info?.message === 'ACCOUNT_DISABLED' ? 'ACCOUNT_DISABLED' : 'INVALID_CREDENTIALS',
          ),
        );
      },
    ) as RequestHandler;
    handler(req, res, reject);
  });
}

/** passport ≥ 0.6 regenerates the session on login, so a pre-login session id is never reused. */
function logIn(req: express.Request, user: LegacyUserRecord): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logIn(user, (error) => (error ? reject(error) : resolve())),
  );
}
