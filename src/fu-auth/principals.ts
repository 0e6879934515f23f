import type { Request } from 'express';
import type { PrincipalResolver } from '../api/api-auth.js';
import { facadePublicUser } from './facade/facade-service.js';
import { resolveFacadeSession, type FacadeSessionDeps } from './facade/resolve-session.js';
import { AUTH_COOKIE, readBearer, readCookie } from './http/transports.js';
import type { TokenStrategy } from './strategies/jwt-strategy.js';
import type { FuUser } from './store/user-store.js';

/**
 * The new engine's credentials for the unified `/api/*` guard: a bearer JWT, the
 * `fastapiusersauth` cookie, and the facade's `crm.sid=fu.…` session. Each maps the person to their
 * legacy id and role, so `/api/*` code has one notion of "who" whichever engine logged them in.
 * A user must be active (and verified when the deployment requires it), as fastapi-users'
 * `current_user(active=True)` demands.
 */
export function fuPrincipalResolvers(deps: {
  jwt: TokenStrategy;
  database: TokenStrategy;
  requiresVerification: boolean;
  facade: FacadeSessionDeps;
}): PrincipalResolver[] {
  const principal = (user: FuUser | null, via: string) =>
    user &&
    user.isActive &&
    user.legacyUserId !== null &&
    (user.isVerified || !deps.requiresVerification)
      ? { legacyUserId: user.legacyUserId, role: user.isSuperuser ? 'admin' : 'user', via }
      : null;

  const bearer: PrincipalResolver = async (req: Request) => {
    const token = readBearer(req);
    return token ? principal(await deps.jwt.read(token), 'fu-bearer') : null;
  };
  const cookie: PrincipalResolver = async (req: Request) => {
    const token = readCookie(req, AUTH_COOKIE);
    return token ? principal(await deps.database.read(token), 'fu-cookie') : null;
  };
  const facade: PrincipalResolver = async (req: Request) => {
    const session = await resolveFacadeSession(deps.facade, req);
    if (!session) return null;
    const { account } = session;
    return {
      legacyUserId: account.legacy.id,
      role: facadePublicUser(account).role,
      via: 'fu-facade',
    };
  };
  return [bearer, cookie, facade];
}
