import type { IncomingMessage } from 'node:http';
import { readCookieValue } from '../../src/lib/http/cookies.js';
import { constantTimeEqual } from '../../src/lib/random.js';
import { DASHBOARD_COOKIE, verifyDashboardSession } from './dashboard-session.js';

/** Who is calling the admin port: a bearer-token client, or a logged-in dashboard browser. */
export type AdminPrincipal = 'bearer' | 'dashboard';

/**
 * SECURITY: the admin API takes `Authorization: Bearer <PROXY_ADMIN_TOKEN>` only, compared in
 * constant time (a length mismatch still costs a comparison), so response timing says nothing
 * about how much of a guessed token was right.
 */
export function hasAdminToken(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  return match !== null && constantTimeEqual(match[1]!, token);
}

/** The bearer token first; otherwise a valid dashboard session cookie (see dashboard-session.ts). */
export function adminPrincipal(
  req: IncomingMessage,
  token: string,
  nowMs: number,
): AdminPrincipal | null {
  if (hasAdminToken(req, token)) return 'bearer';
  const session = readCookieValue(req.headers.cookie, DASHBOARD_COOKIE);
  return verifyDashboardSession(session, token, nowMs) ? 'dashboard' : null;
}
