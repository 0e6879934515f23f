/**
 * The dashboard's pages on the admin port:
 *   GET  /dashboard/         the dashboard (logged in) or a redirect to the login form
 *   GET  /dashboard/login    the login form: the operator types PROXY_ADMIN_TOKEN once
 *   POST /dashboard/login    token → HttpOnly session cookie (dashboard-session.ts) → /dashboard/
 *   POST /dashboard/logout   clears the cookie
 *   GET  /dashboard/<file>   the page's scripts, styles and the charting library (static-files.ts)
 * The data comes from the admin API (/api/*), which accepts the session cookie as well as the
 * bearer token; the pages hold no data themselves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/lib/clock.js';
import type { Logger } from '../../src/lib/logger.js';
import { constantTimeEqual } from '../../src/lib/random.js';
import { readLimitedBody } from '../http/read-body.js';
import { ProxyError } from '../proxy-errors.js';
import { adminPrincipal } from './admin-auth.js';
import {
  CLEARED_SESSION_COOKIE,
  issueDashboardSession,
  sessionCookie,
} from './dashboard-session.js';
import type { LoginThrottle } from './login-throttle.js';
import { isSameOrigin } from './same-origin.js';
import { DASHBOARD_FILES, PAGES, type AssetServer } from './static-files.js';

export interface DashboardRouteDeps {
  token: string;
  sessionSeconds: number;
  clock: Clock;
  assets: AssetServer;
  throttle: LoginThrottle;
  logger: Logger;
}

const LOGIN_FAILED = '<p class="login-error" role="alert">That is not the admin token.</p>';
const loginLocked = (seconds: number) =>
  `<p class="login-error" role="alert">Too many wrong tokens from this address. Try again in ${seconds} s.</p>`;

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}) {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

export function createDashboardRoutes(deps: DashboardRouteDeps) {
  const { assets } = deps;

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isSameOrigin(req)) throw new ProxyError('CROSS_SITE_REQUEST');
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = deps.throttle.retryAfterSeconds(address);
    if (wait > 0) {
      req.resume(); // the typed token is not even read
      return assets.sendPage(res, 429, PAGES.login, loginLocked(wait), {
        'retry-after': String(wait),
      });
    }
    const read = await readLimitedBody(req, 4096);
    if (!read.ok)
      throw new ProxyError(read.reason === 'too_large' ? 'BODY_TOO_LARGE' : 'BAD_REQUEST_BODY');
    const typed = new URLSearchParams(read.body.toString('utf8')).get('token') ?? '';
    // SECURITY: the same constant-time comparison as the bearer token.
    if (!constantTimeEqual(typed.trim(), deps.token)) {
      // SECURITY: the address, never what was typed.
      if (deps.throttle.failed(address))
        deps.logger.warn(
          { address },
          'dashboard login locked for this address: too many wrong tokens',
        );
      return assets.sendPage(res, 401, PAGES.login, LOGIN_FAILED);
    }
    deps.throttle.succeeded(address);
    const value = issueDashboardSession(
      deps.token,
      deps.clock.now().getTime(),
      deps.sessionSeconds,
    );
    redirect(res, '/dashboard/', { 'set-cookie': sessionCookie(value, deps.sessionSeconds) });
  }

  /** Handles /dashboard and everything under it; false for any other path. */
  return async function dashboard(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const path = url.pathname;
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    const key = `${req.method} ${path}`;
    if (key === 'GET /dashboard') redirect(res, '/dashboard/');
    else if (key === 'GET /dashboard/') {
      const principal = adminPrincipal(req, deps.token, deps.clock.now().getTime());
      if (principal) await assets.sendPage(res, 200, PAGES.dashboard);
      else redirect(res, '/dashboard/login');
    } else if (key === 'GET /dashboard/login') await assets.sendPage(res, 200, PAGES.login);
    else if (key === 'POST /dashboard/login') await login(req, res);
    else if (key === 'POST /dashboard/logout') {
      if (!isSameOrigin(req)) throw new ProxyError('CROSS_SITE_REQUEST');
      redirect(res, '/dashboard/login', { 'set-cookie': CLEARED_SESSION_COOKIE });
    } else {
      const name = path.slice('/dashboard/'.length);
      const file = Object.hasOwn(DASHBOARD_FILES, name) ? DASHBOARD_FILES[name] : undefined;
      const known = file !== undefined || ['/dashboard/login', '/dashboard/logout'].includes(path);
      if (file && req.method === 'GET') await assets.sendFile(res, file);
      else throw new ProxyError(known ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND');
    }
    return true;
  };
}
