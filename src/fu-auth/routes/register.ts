import type { Router } from 'express';
import { requestInfo } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import { bodyInput, jsonBody, modelBody } from '../http/request-body.js';
import { sendJson, userRead } from '../http/send.js';
import { userCreate } from '../validation/schemas.js';

/**
 * `POST /register`: a safe create (flags and id in the body are ignored). It does not log in and
 * does not send a verification e-mail (upstream `router/register.py`).
 */
export function addRegisterRoutes(router: Router, deps: FuAuthDeps): void {
  router.post('/register', ...jsonBody(), async (req, res) => {
    const body = modelBody(userCreate, bodyInput(req));
    await deps.throttles.register(req.ip);
    const user = await deps.manager.create(
      { email: body.email, password: body.password },
      requestInfo(req),
    );
    sendJson(res, 201, userRead(user));
  });
}
