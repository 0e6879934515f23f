/**
 * Portable sessions (docs/engines.md, docs/design/design.md): a session either engine issued is honoured by the
 * legacy routes of both engines and by `/api/*`, with the same bodies, and ends on both. This is
 * what both engines share to do that: one resolver, one way to end sessions, one logout, one
 * routing claim. It does not log anyone in: each engine keeps its own login (the legacy engine
 * passport-local + express-session, the new engine its facade sessions and fastapi-users tokens).
 */
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { authCookieDeletion, type CookieSettings } from '../fu-auth/http/transports.js';
import { LEGACY_SESSION_COOKIE } from '../lib/contracts/cookies.js';
import { readCookieValue } from '../lib/http/cookies.js';
import { accountPublicUser } from './account.js';
import type { Accounts } from './accounts.js';
import type { CredentialReader } from './carried-credentials.js';
import type { LoginConfirmation } from './login-confirmation.js';
import type { RouteClaims } from './route-claims.js';
import type { SessionEnder } from './session-ender.js';
import type { ResolvedSession, SessionResolver } from './session-resolver.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `requireSession`: who the request is, and by which credential. */
    resolvedSession?: ResolvedSession;
  }
}

export interface PortableSessionsDeps {
  /** express-session, passport.initialize(), passport.session(): legacy sessions need them. */
  legacySessionChain: RequestHandler[];
  resolve: SessionResolver;
  accounts: Accounts;
  ender: SessionEnder;
  claims: RouteClaims;
  readCredentials: CredentialReader;
  /** The `fastapiusersauth` cookie's attributes, to clear it exactly as fastapi-users does. */
  fuCookie: CookieSettings;
  /** Each engine's login confirms its stored session against a concurrent credential change. */
  confirmLogin: LoginConfirmation;
}

export type PortableSessions = ReturnType<typeof createPortableSessions>;

export function createPortableSessions(deps: PortableSessionsDeps) {
  /** The express-session row of the request goes, and express-session writes no cookie for it. */
  const destroyLegacySession = (req: Request) =>
    new Promise<void>((resolve, reject) =>
      req.session ? req.session.destroy((error) => (error ? reject(error) : resolve())) : resolve(),
    );

  const chain = express.Router();
  chain.use(...deps.legacySessionChain);
  /**
   * The legacy session chain for routes that only read or end sessions: it runs only when the
   * request carries an express-session cookie (`crm.sid=s:…`). Otherwise express-session would
   * make a new empty session (a random id, cookie objects) that nothing saves, and passport would
   * find no user in it, on every request that comes with another credential or none. Logins,
   * which start a session, use the full `legacySessionChain`.
   */
  const legacySessionIfCarried: RequestHandler = (req, res, next) => {
    const carried = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE)?.startsWith('s:');
    if (carried) chain(req, res, next);
    else next();
  };

  const requireSession: RequestHandler = async (req, res, next) => {
    const session = await deps.resolve(req);
    if (!session) return next(new AppError('NOT_AUTHENTICATED'));
    req.resolvedSession = session;
    deps.claims.refresh(req, res, accountPublicUser(session.account).email);
    next();
  };

  /**
   * Both engines' `POST /logout`: every session credential the request carries ends (its
   * express-session row, facade session and database token), `crm.sid` and the routing claim
   * are cleared, and `fastapiusersauth` too when it was sent. A bearer JWT cannot be ended.
   */
  const logout: RequestHandler = async (req, res) => {
    const carried = deps.readCredentials(req);
    await destroyLegacySession(req);
    await deps.ender.endCarriedTokens(carried);
    res.clearCookie(LEGACY_SESSION_COOKIE, { path: '/' });
    if (carried.accessToken) res.append('Set-Cookie', authCookieDeletion(deps.fuCookie));
    deps.claims.clear(res);
    res.status(204).end();
  };

  return {
    ...deps,
    legacySessionIfCarried,
    requireSession,
    logout,
    destroyLegacySession,
  };
}

/** The session `requireSession` found (it ran before, or the route is misconfigured). */
export function resolvedSessionOf(req: Request): ResolvedSession {
  if (!req.resolvedSession) throw new AppError('NOT_AUTHENTICATED');
  return req.resolvedSession;
}
