import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/codes.js';
import type { RequestInfo } from './hooks.js';
import { AUTH_COOKIE, readBearer, readCookie } from './http/transports.js';
import type { TokenStrategy } from './strategies/jwt-strategy.js';
import type { FuUser } from './store/user-store.js';

/**
 * fastapi-users' Authenticator over this project's two backends, in order: bearer JWT, then the
 * `fastapiusersauth` cookie (database strategy). The first backend that yields a user wins (an
 * invalid bearer next to a valid cookie still authenticates). Then: nobody or inactive → 401;
 * unverified when verification is required, or not a superuser when one is → 403.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/authentication/authenticator.py
 */
export interface FuCredential {
  user: FuUser;
  /** The raw credential, so a logout can destroy it whichever backend issued it. */
  token: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    fuCredential?: FuCredential;
  }
}

export interface Requirements {
  verified: boolean;
  superuser?: boolean;
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

export function createAuthenticator(backends: { jwt: TokenStrategy; database: TokenStrategy }) {
  async function find(req: Pick<IncomingMessage, 'headers'>): Promise<FuCredential | null> {
    const bearer = readBearer(req);
    const fromBearer = bearer ? await backends.jwt.read(bearer) : null;
    if (bearer && fromBearer) return { user: fromBearer, token: bearer };
    const cookie = readCookie(req, AUTH_COOKIE);
    const fromCookie = cookie ? await backends.database.read(cookie) : null;
    return cookie && fromCookie ? { user: fromCookie, token: cookie } : null;
  }

  return {
    find,
    /** `current_user(active=True, verified=…, superuser=…)` as middleware: sets req.fuCredential. */
    current(requirements: Requirements): RequestHandler {
      return async (req, _res, next) => {
        const found = await find(req);
        const refused = refusalOf(found, requirements);
        if (refused) return next(new AppError(refused));
        req.fuCredential = found!;
        next();
      };
    },
  };
}

/** Why a credential does not meet `current_user(…)`'s requirements, or null when it does. */
export function refusalOf(
  found: FuCredential | null,
  requirements: Requirements,
): Extract<ErrorCode, 'NOT_AUTHENTICATED' | 'FORBIDDEN'> | null {
  if (!found || !found.user.isActive) return 'NOT_AUTHENTICATED';
  const { user } = found;
  if ((requirements.verified && !user.isVerified) || (requirements.superuser && !user.isSuperuser))
    return 'FORBIDDEN';
  return null;
}

export function requestInfo(req: Request): RequestInfo {
  return {
    ip: req.ip,
    userAgent: req.get('user-agent'),
    requestId: req.id === undefined ? undefined : String(req.id),
  };
}

export function credentialOf(req: Request): FuCredential {
  if (!req.fuCredential) throw new AppError('NOT_AUTHENTICATED');
  return req.fuCredential;
}
