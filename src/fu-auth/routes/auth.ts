import type { Router } from 'express';
import { AppError } from '../../errors/app-error.js';
import { parseInput } from '../../middleware/validate.js';
import { credentialOf } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import { formBody, formFields } from '../http/form-body.js';
import { createBackendLogin } from '../http/backend-login.js';
import { authCookieDeletion } from '../http/transports.js';
import type { FuUser } from '../store/user-store.js';
import { loginForm } from '../validation/schemas.js';

/**
 * The auth routers of both backends: `/jwt/login|logout` (bearer) and `/cookie/login|logout`
 * (database strategy). Bad credentials are 400, not 401, and an inactive user is indistinguishable
 * from a wrong password (upstream `router/auth.py`).
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/auth.py
 */
export function addAuthRoutes(router: Router, deps: FuAuthDeps): void {
  const current = deps.authenticator.current({ verified: deps.requiresVerification });

  const authenticate = async (username: string, password: string): Promise<FuUser> => {
    const user = await deps.manager.authenticate(username, password);
    if (!user || !user.isActive) throw new AppError('LOGIN_BAD_CREDENTIALS');
    if (deps.requiresVerification && !user.isVerified)
      throw new AppError('LOGIN_USER_NOT_VERIFIED');
    return user;
  };

  const login = createBackendLogin(deps);

  for (const backend of ['jwt', 'cookie'] as const) {
    router.post(`/${backend}/login`, ...formBody(), async (req, res) => {
      const form = parseInput(loginForm, formFields(req));
      const user = await deps.throttles.login(req.ip, form.username, () =>
        authenticate(form.username, form.password),
      );
      await login(backend, user, req, res, form.password);
    });

    router.post(`/${backend}/logout`, current, async (req, res) => {
      const { token } = credentialOf(req);
      if (backend === 'jwt') {
        await deps.jwt.destroy(token);
      } else {
        // A credential of the other backend finds no row; the cookie is cleared all the same.
        await deps.database.destroy(token);
        res.setHeader('set-cookie', authCookieDeletion(deps.cookie));
      }
      // As on the legacy logout: the person is no longer this client's to route by.
      deps.routeClaims.clearCarried(req, res);
      res.status(204).end();
    });
  }
}
