import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

/**
 * Who is calling an `/api/*` route, in legacy terms: whichever engine logged the person in,
 * `legacyUserId` and `role` mean the same thing, so ownership and admin checks are one code path.
 */
export interface ApiPrincipal {
  legacyUserId: number;
  role: string;
  via: string;
}

/** One way of recognising a caller (legacy session, bearer JWT, cookie…); null = not this kind. */
export type PrincipalResolver = (req: Request) => Promise<ApiPrincipal | null>;

declare module 'express-serve-static-core' {
  interface Request {
    principal?: ApiPrincipal;
  }
}

/** The unified guard: the first resolver that recognises the caller wins; nobody → 401. */
export function createApiAuth(resolvers: readonly PrincipalResolver[]): RequestHandler {
  return async (req, _res, next) => {
    for (const resolve of resolvers) {
      const principal = await resolve(req);
      if (principal) {
        req.principal = principal;
        return next();
      }
    }
    next(new AppError('NOT_AUTHENTICATED'));
  };
}

export const legacySessionPrincipal: PrincipalResolver = async (req) =>
  req.isAuthenticated?.() && req.user
    ? { legacyUserId: req.user.id, role: req.user.role, via: 'legacy-session' }
    : null;

export function requireAdmin(req: Request): ApiPrincipal {
  const principal = req.principal;
  if (!principal) throw new AppError('NOT_AUTHENTICATED');
  if (principal.role !== 'admin') throw new AppError('FORBIDDEN');
  return principal;
}
