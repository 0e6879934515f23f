/**
 * The legacy engine: `/auth/*` with passport-local and express-session, exactly as existing
 * clients know it (docs/design/contracts/legacy.md). Its own login stays passport's; `/me`, `/logout` and
 * `/change-password` honour every session either engine issues (src/sessions), so a rollback
 * or a policy change logs nobody out. The proxy decides who is served here.
 */
import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { readLegacyBody } from '../middleware/read-body.js';
import { parseInput } from '../middleware/validate.js';
import { LEGACY_JSON_BODY, LEGACY_LOGIN_BODY } from '../lib/contracts/body-profiles.js';
import type { LegacyUserRecord } from '../users/legacy-user.js';
import { accountPublicUser } from '../sessions/account.js';
import { addLegacySessionRoutes } from '../sessions/legacy-session-routes.js';
import type { PortableSessions } from '../sessions/portable-sessions.js';
import type { Throttles } from '../rate-limit/throttles.js';
import type { LegacyAuthService } from './legacy-auth-service.js';
import type { createPassport } from './passport.js';
import { loginBody, registerBody } from './schemas.js';

export interface LegacyAuthRouterDeps {
  service: LegacyAuthService;
  passport: ReturnType<typeof createPassport>;
  portable: PortableSessions;
  /** The limits the facade and `/fu_auth` share (src/rate-limit). */
  throttles: Throttles;
}

export function createLegacyAuthRouter({
  service,
  passport,
  portable,
  throttles,
}: LegacyAuthRouterDeps): Router {
  const router = express.Router();
  // Logins start an express-session one, so they always run the whole chain; every other route
  // only reads or ends a session, which needs the chain only when the request carries one.
  const startsSession = portable.legacySessionChain;

  /**
   * The answer to a login or registration: the user object, and a routing claim for them.
   * A login (`password` given) stores its session at once and confirms it: a password change
   * that overtook the login ends it, and the login is refused as that password now is.
   */
  async function loggedIn(
    req: express.Request,
    res: express.Response,
    user: LegacyUserRecord,
    password?: string,
  ) {
    await logIn(req, user);
    if (password !== undefined) {
      await saveSession(req);
      const confirmed = await portable.confirmLogin({
        legacyUserId: user.id,
        source: 'legacy',
        hash: user.hashedPassword,
        password,
      });
      if (!confirmed) {
        await portable.destroyLegacySession(req);
        throw new AppError('INVALID_CREDENTIALS');
      }
    }
    // The new session replaces a facade session the request came with, as passport's replaces
    // the previous express-session one (passport ≥ 0.6 regenerates the session on login).
    await portable.ender.endCarriedTokens({
      ...portable.readCredentials(req),
      accessToken: null,
    });
    const publicUser = accountPublicUser(await portable.accounts.of(user));
    portable.claims.issue(res, publicUser.email);
    return publicUser;
  }

  router.post(
    '/login',
    ...startsSession,
    ...readLegacyBody(LEGACY_LOGIN_BODY),
    async (req, res) => {
      const body = parseInput(loginBody, req.body ?? {});
      const user = await throttles.login(req.ip, body.email, () =>
        authenticateLocal(passport, req, res),
      );
      res.status(200).json({ user: await loggedIn(req, res, user, body.password) });
    },
  );

  router.post(
    '/register',
    ...startsSession,
    ...readLegacyBody(LEGACY_JSON_BODY),
    async (req, res) => {
      const body = parseInput(registerBody, req.body ?? {});
      await throttles.register(req.ip);
      const user = await service.register(body);
      res.status(201).json({ user: await loggedIn(req, res, user) });
    },
  );

  router.use(portable.legacySessionIfCarried);
  addLegacySessionRoutes(router, {
    portable,
    changePassword: (account, body, keep) => service.changePassword(account.legacy, body, keep),
  });

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

/** Stores the session now rather than when the response ends (express-session's default). */
function saveSession(req: express.Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((error: unknown) => (error ? reject(error as Error) : resolve())),
  );
}

/** passport ≥ 0.6 regenerates the session on login, so a pre-login session id is never reused. */
function logIn(req: express.Request, user: LegacyUserRecord): Promise<void> {
  return new Promise((resolve, reject) =>
    req.logIn(user, (error) => (error ? reject(error) : resolve())),
  );
}
