import type { Router } from 'express';
import { requestInfo } from '../authenticator.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import { bodyInput, embeddedBody, jsonBody } from '../http/request-body.js';
import { sendJson, userRead } from '../http/send.js';
import { emailBody, verifyBody } from '../validation/schemas.js';

/**
 * `POST /request-verify-token` (always `202 null`, answered before the lookup and the e-mail, which
 * run after it: their time would tell addresses apart) and `POST /verify` (the verified user).
 */
export function addVerifyRoutes(router: Router, deps: FuAuthDeps): void {
  router.post('/request-verify-token', ...jsonBody(), async (req, res) => {
    const { email } = embeddedBody(emailBody, bodyInput(req));
    await deps.throttles.requestVerify(req.ip, email);
    const info = requestInfo(req);
    sendJson(res, 202, null);
    deps.background.run('request-verify-token', () => deps.manager.requestVerify(email, info));
  });

  router.post('/verify', ...jsonBody(), async (req, res) => {
    const { token } = embeddedBody(verifyBody, bodyInput(req));
    sendJson(res, 200, userRead(await deps.manager.verify(token, requestInfo(req))));
  });
}
