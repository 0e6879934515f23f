import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { accountPublicUser } from '../sessions/account.js';
import { resolvedSessionOf, type PortableSessions } from '../sessions/portable-sessions.js';
import type { ResolvedSession } from '../sessions/session-resolver.js';

/**
 * Who is calling an `/api/*` route, in legacy terms: whichever engine logged the person in,
 * `legacyUserId` and `role` mean the same thing, so ownership and admin checks are one code path.
 */
export interface ApiPrincipal {
  legacyUserId: number;
  role: string;
  /** Which credential recognised the caller (src/sessions/session-resolver.ts). */
  via: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: ApiPrincipal;
  }
}

/**
 * The unified guard: the shared session resolver (every credential of either engine, in the fixed
 * order), then the principal in legacy terms; nobody → 401. The routing claim is refreshed here.
 */
export function createApiAuth(portable: PortableSessions): RequestHandler[] {
  return [
    portable.legacySessionIfCarried,
    portable.requireSession,
    (req, _res, next) => {
      req.principal = principalOf(resolvedSessionOf(req));
      next();
    },
  ];
}

/** The caller in legacy terms, from whichever credential recognised them. */
export function principalOf({ account, kind }: ResolvedSession): ApiPrincipal {
  return { legacyUserId: account.legacy.id, role: accountPublicUser(account).role, via: kind };
}

export function requireAdmin(req: Request): ApiPrincipal {
  const principal = req.principal;
  if (!principal) throw new AppError('NOT_AUTHENTICATED');
  if (principal.role !== 'admin') throw new AppError('FORBIDDEN');
  return principal;
}
