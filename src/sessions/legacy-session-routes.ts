import type { RequestHandler, Router } from 'express';
import { readLegacyBody } from '../middleware/read-body.js';
import { parseInput } from '../middleware/validate.js';
import { LEGACY_JSON_BODY } from '../lib/contracts/body-profiles.js';
import { changePasswordBody, type ChangePasswordBody } from '../legacy-auth/schemas.js';
import { accountPublicUser, type Account } from './account.js';
import { keptSessions } from './carried-credentials.js';
import { resolvedSessionOf, type PortableSessions } from './portable-sessions.js';

export interface LegacySessionRoutesDeps {
  portable: PortableSessions;
  /**
   * The engine's own password change. It must end the person's other sessions (`keep` names the
   * ones the request carries) in the same transaction as the change.
   */
  changePassword(account: Account, body: ChangePasswordBody, keep: string[]): Promise<void>;
}

/** `GET /me`'s body (also served by src/hot-paths). */
export const meBody = (account: Account) => ({ user: accountPublicUser(account) });

/**
 * `GET /me`, `POST /logout`, `POST /change-password` of the legacy contract, as both engines
 * serve them: any credential of either engine, the same bodies (docs/design/contracts/legacy.md).
 * Authentication comes first, so a request without a session is 401 whatever its body.
 */
export function addLegacySessionRoutes(router: Router, deps: LegacySessionRoutesDeps): void {
  const { portable } = deps;

  router.post('/logout', portable.requireSession, portable.logout);

  router.get('/me', portable.requireSession, (req, res) => {
    res.status(200).json(meBody(resolvedSessionOf(req).account));
  });

  // The body is read first (never failing by itself) and refused only after authentication.
  const [readBody, applyBody] = readLegacyBody(LEGACY_JSON_BODY) as [
    RequestHandler,
    RequestHandler,
  ];
  router.post(
    '/change-password',
    readBody,
    portable.requireSession,
    applyBody,
    async (req, res) => {
      const body = parseInput(changePasswordBody, req.body ?? {});
      const keep = keptSessions(portable.readCredentials(req));
      await deps.changePassword(resolvedSessionOf(req).account, body, keep);
      res.status(204).end();
    },
  );
}
