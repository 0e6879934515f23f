import type { IncomingMessage } from 'node:http';
import { readFacadeToken } from '../fu-auth/facade/facade-cookie.js';
import type { FacadeSessionStore } from '../fu-auth/facade/facade-session-store.js';
import { readBearer, readCookie } from '../fu-auth/http/transports.js';
import type { FuUser } from '../fu-auth/store/user-store.js';
import type { TokenStrategy } from '../fu-auth/strategies/jwt-strategy.js';
import { FU_AUTH_COOKIE } from '../lib/contracts/cookies.js';
import type { Clock } from '../lib/clock.js';
import type { Account } from './account.js';
import type { Accounts } from './accounts.js';

export type CredentialKind = 'legacy-session' | 'facade-session' | 'fu-cookie' | 'bearer';

export interface ResolvedSession {
  account: Account;
  /** Which credential of the request recognised the person. */
  kind: CredentialKind;
}

export interface SessionResolverDeps {
  accounts: Accounts;
  facadeSessions: FacadeSessionStore;
  jwt: TokenStrategy;
  database: TokenStrategy;
  /** FU_REQUIRES_VERIFICATION: the new engine's own credentials need a verified user. */
  requiresVerification: boolean;
  clock: Clock;
}

/**
 * What the resolver reads of a request: its headers, and the legacy session's user that passport
 * (or src/sessions/legacy-session-reader.ts) found for it.
 */
export interface SessionRequest extends Pick<IncomingMessage, 'headers'> {
  user?: Express.User;
  isAuthenticated?(): boolean;
}

export type SessionResolver = (req: SessionRequest) => Promise<ResolvedSession | null>;

/**
 * "Who is this request?" — one answer for both engines' `/auth/*` and for `/api/*`, over every
 * credential either engine issues, in this fixed order (docs/engines.md, "Sessions across engines"):
 * legacy session (`crm.sid=s:…`, read by express-session and passport, which must run first),
 * facade session (`crm.sid=fu.…`), the `fastapiusersauth` cookie, a bearer JWT. The first one
 * that names an existing, active account wins, so a stale credential never hides a good one.
 */
export function createSessionResolver(deps: SessionResolverDeps): SessionResolver {
  const { accounts } = deps;
  const fromUser = async (user: FuUser | null) =>
    user && (user.isVerified || !deps.requiresVerification) ? accounts.activeForUser(user) : null;

  const readers: [CredentialKind, (req: SessionRequest) => Promise<Account | null>][] = [
    [
      'legacy-session',
      async (req) => (req.isAuthenticated?.() && req.user ? accounts.activeOf(req.user) : null),
    ],
    [
      'facade-session',
      async (req) => {
        const token = readFacadeToken(req);
        const id = token ? await deps.facadeSessions.find(token, deps.clock.now()) : null;
        return id === null ? null : accounts.activeByLegacyId(id);
      },
    ],
    [
      'fu-cookie',
      async (req) => {
        const token = readCookie(req, FU_AUTH_COOKIE);
        return token ? fromUser(await deps.database.read(token)) : null;
      },
    ],
    [
      'bearer',
      async (req) => {
        const token = readBearer(req);
        return token ? fromUser(await deps.jwt.read(token)) : null;
      },
    ],
  ];

  return async (req) => {
    for (const [kind, read] of readers) {
      const account = await read(req);
      if (account) return { account, kind };
    }
    return null;
  };
}
