import type { Request, Response } from 'express';
import { AppError } from '../../errors/app-error.js';
import { requestInfo } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import type { LoginResponse } from '../hooks.js';
import type { FuUser } from '../store/user-store.js';
import { sendJson } from './send.js';
import { authCookie } from './transports.js';

/** The two authentication backends a login can go through. */
export type Backend = 'jwt' | 'cookie';

/**
 * `AuthenticationBackend.login` then `on_after_login`, for every route that logs someone in (the
 * password logins and the OAuth callbacks): JWT → `200 {"access_token","token_type":"bearer"}`,
 * cookie → `204` + `fastapiusersauth`. The routing claim rides along (a fastapi-users client
 * ignores the cookie).
 */
export function createBackendLogin(
  deps: Pick<
    FuAuthDeps,
    'jwt' | 'database' | 'cookie' | 'hooks' | 'store' | 'routeClaims' | 'confirmLogin'
  >,
) {
  const responses = {
    jwt: async (user: FuUser): Promise<LoginResponse> => ({
      status: 200,
      headers: {},
      body: { access_token: await deps.jwt.write(user), token_type: 'bearer' },
    }),
    /**
     * The token is stored, then, for a password login, confirmed: a password change that overtook
     * the login ends it, and the login is refused as that password now is
     * (src/sessions/login-confirmation.ts).
     */
    cookie: async (user: FuUser, password?: string): Promise<LoginResponse> => {
      const token = await deps.database.write(user);
      const confirmed =
        password === undefined ||
        user.legacyUserId === null ||
        (await deps.confirmLogin({
          legacyUserId: user.legacyUserId,
          source: 'user',
          hash: user.hashedPassword,
          password,
        }));
      if (!confirmed) {
        await deps.database.destroy(token);
        throw new AppError('LOGIN_BAD_CREDENTIALS');
      }
      return {
        status: 204,
        headers: { 'set-cookie': authCookie(token, deps.cookie) },
        body: undefined,
      };
    },
  };

  /** `password`: the one a password login verified (an OAuth sign-in has none). */
  return async (
    backend: Backend,
    user: FuUser,
    req: Request,
    res: Response,
    password?: string,
  ): Promise<void> => {
    await deps.store().touchLogin(user);
    const response = await responses[backend](user, password);
    await deps.hooks.onAfterLogin(user, requestInfo(req), response);
    deps.routeClaims.issue(res, user.email);
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    if (response.body === undefined) res.status(response.status).end();
    else sendJson(res, response.status, response.body);
  };
}
