import type { Router } from 'express';
import { requestInfo } from '../authenticator.js';
import { keptSessions } from '../../sessions/carried-credentials.js';
import type { FuAuthDeps } from '../fu-auth-deps.js';
import { bodyInput, embeddedBody, jsonBody } from '../http/request-body.js';
import { sendJson } from '../http/send.js';
import { emailBody, resetPasswordBody } from '../validation/schemas.js';

/**
 * `POST /forgot-password` always answers `202 null` (unknown, inactive or not: no enumeration),
 * and answers before the lookup, the token and the e-mail, which run after it (their time would
 * tell known addresses from unknown ones). The token only ever travels through the hook.
 * `POST /reset-password` answers `200 null`.
 */
export function addResetPasswordRoutes(router: Router, deps: FuAuthDeps): void {
  router.post('/forgot-password', ...jsonBody(), async (req, res) => {
    const { email } = embeddedBody(emailBody, bodyInput(req));
    await deps.throttles.forgotPassword(req.ip, email);
    const info = requestInfo(req);
    sendJson(res, 202, null);
    deps.background.run('forgot-password', () => deps.manager.forgotPassword(email, info));
  });

  router.post('/reset-password', ...jsonBody(), async (req, res) => {
    const { token, password } = embeddedBody(resetPasswordBody, bodyInput(req));
    // Every other session of the user ends; one this request carries stays (its owner's browser).
    const keep = keptSessions(deps.readCredentials(req));
    await deps.manager.resetPassword(token, password, requestInfo(req), keep);
    sendJson(res, 200, null);
  });
}
