/**
 * Who is calling the admin port, as Express middleware: the bearer token (machine clients), or a
 * dashboard session cookie that is signed, unexpired and still open in the session store.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { Clock } from '../../src/lib/clock.js';
import { readCookieValue } from '../../src/lib/http/cookies.js';
import { constantTimeEqual } from '../../src/lib/random.js';
import { ProxyError } from '../proxy-errors.js';
import type { DashboardSessionStore } from './dashboard-session-store.js';
import { DASHBOARD_COOKIE, verifyDashboardSession } from './dashboard-session.js';
import { isDashboardCall } from './same-origin.js';

export type AdminPrincipal = 'bearer' | 'dashboard';

/** What a request presents, judged without the database. */
export type Credential = { principal: 'bearer' } | { principal: 'dashboard'; sessionId: string };

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * SECURITY: the admin API takes `Authorization: Bearer <PROXY_ADMIN_TOKEN>` only, compared in
 * constant time (a length mismatch still costs a comparison), so response timing says nothing
 * about how much of a guessed token was right.
 */
export function hasAdminToken(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
  return match !== null && constantTimeEqual(match[1]!, token);
}

/** The id of the signed, unexpired dashboard session the request's cookie names, if any. */
export function dashboardSessionId(
  req: IncomingMessage,
  token: string,
  nowMs: number,
): string | null {
  return verifyDashboardSession(
    readCookieValue(req.headers.cookie, DASHBOARD_COOKIE),
    token,
    nowMs,
  );
}

/** The bearer token first; otherwise a signed, unexpired dashboard session cookie. */
export function presentedCredential(
  req: IncomingMessage,
  token: string,
  nowMs: number,
): Credential | null {
  if (hasAdminToken(req, token)) return { principal: 'bearer' };
  const sessionId = dashboardSessionId(req, token, nowMs);
  return sessionId ? { principal: 'dashboard', sessionId } : null;
}

/** The principal `requireAdmin` established for this request. */
export function principalOf(res: Response): AdminPrincipal {
  const principal: unknown = res.locals.principal;
  if (principal === 'bearer' || principal === 'dashboard') return principal;
  throw new ProxyError('ADMIN_UNAUTHORIZED');
}

export function createAdminAuth(deps: {
  token: string;
  sessions: DashboardSessionStore;
  clock: Clock;
}) {
  /** Null when the request is nobody (a logged-out session is nobody). */
  async function principalFor(req: IncomingMessage): Promise<AdminPrincipal | null> {
    const credential = presentedCredential(req, deps.token, deps.clock.now().getTime());
    if (!credential) return null;
    if (credential.principal === 'bearer') return 'bearer';
    return (await deps.sessions.isOpen(credential.sessionId)) ? 'dashboard' : null;
  }

  const requireAdmin: RequestHandler = async (req, res, next) => {
    const principal = await principalFor(req);
    if (!principal) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new ProxyError('ADMIN_UNAUTHORIZED');
    }
    // SECURITY: a cookie rides along on any request the browser makes, so cookie-authenticated
    // changes must prove they come from the dashboard page itself (same-origin.ts).
    if (principal === 'dashboard' && !SAFE_METHODS.has(req.method) && !isDashboardCall(req))
      throw new ProxyError('CROSS_SITE_REQUEST');
    res.locals.principal = principal;
    next();
  };

  return { principalFor, requireAdmin };
}

export type AdminAuth = ReturnType<typeof createAdminAuth>;
