/**
 * POST /dashboard/login: the typed admin token → a session (dashboard-session.ts, recorded in the
 * session store) → HttpOnly cookie → /dashboard/. A chain of Express handlers: same origin, a
 * reserved guess (login-throttle.ts), the form body, the comparison.
 * SECURITY: the guess is reserved before the body is read, so slow bodies cannot pass the
 * throttle together; a guess whose body never arrives is released when the response closes.
 */
import express, { type Request, type RequestHandler } from 'express';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import { constantTimeEqual } from '../../src/lib/random.js';
import { ProxyError } from '../proxy-errors.js';
import type { DashboardSessionStore } from './dashboard-session-store.js';
import { issueDashboardSession, sessionCookie } from './dashboard-session.js';
import type { LoginAttempt, LoginThrottle } from './login-throttle.js';
import { isSameOrigin } from './same-origin.js';
import { PAGES, type SendPage } from './static-files.js';

export interface DashboardLoginDeps {
  token: string;
  sessionSeconds: number;
  clock: Clock;
  throttle: LoginThrottle;
  sessions: DashboardSessionStore;
  sendPage: SendPage;
  logger: Logger;
}

const LOGIN_FAILED = '<p class="login-error" role="alert">That is not the admin token.</p>';
const loginLocked = (seconds: number) =>
  `<p class="login-error" role="alert">Too many wrong tokens from this address. Try again in ${seconds} s.</p>`;

export const requireSameOrigin: RequestHandler = (req, _res, next) => {
  if (!isSameOrigin(req)) throw new ProxyError('CROSS_SITE_REQUEST');
  next();
};

interface PendingLogin {
  attempt: LoginAttempt;
  address: string;
}

export function createLoginHandlers(deps: DashboardLoginDeps): RequestHandler[] {
  const pending = new WeakMap<Request, PendingLogin>();

  const reserveGuess: RequestHandler = async (req, res, next) => {
    const address = req.socket.remoteAddress ?? 'unknown';
    const reservation = deps.throttle.reserve(address);
    if (!reservation.ok) {
      req.resume(); // the typed token is not even read
      const wait = reservation.retryAfterSeconds;
      await deps.sendPage(res, 429, PAGES.login, loginLocked(wait), { 'retry-after': `${wait}` });
      return;
    }
    // Whatever happens next, a guess whose token was never compared goes back to the budget.
    res.on('close', () => reservation.attempt.release());
    pending.set(req, { attempt: reservation.attempt, address });
    next();
  };

  const form = express.urlencoded({
    extended: false,
    limit: 4096,
    parameterLimit: 8,
    inflate: false,
  });

  const compareToken: RequestHandler = async (req, res) => {
    const { attempt, address } = pending.get(req)!;
    const body: unknown = req.body;
    const typed = typeof body === 'object' && body !== null && 'token' in body ? body.token : null;
    // SECURITY: the same constant-time comparison as the bearer token.
    if (typeof typed !== 'string' || !constantTimeEqual(typed.trim(), deps.token)) {
      // SECURITY: the address, never what was typed.
      if (attempt.failed())
        deps.logger.warn(
          { address },
          'dashboard login locked for this address: too many wrong tokens',
        );
      await deps.sendPage(res, 401, PAGES.login, LOGIN_FAILED);
      return;
    }
    attempt.succeeded();
    const now = deps.clock.now();
    const session = issueDashboardSession(deps.token, now.getTime(), deps.sessionSeconds);
    await deps.sessions.open(session.id, new Date(session.expires * 1000), now);
    res
      .status(303)
      .set({
        location: '/dashboard/',
        'cache-control': 'no-store',
        'set-cookie': sessionCookie(session.value, deps.sessionSeconds),
      })
      .end();
  };

  return [requireSameOrigin, reserveGuess, form, compareToken];
}
