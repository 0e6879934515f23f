/**
 * The dashboard's pages on the admin port (a router mounted at /dashboard):
 *   GET  /dashboard/         the dashboard (logged in) or a redirect to the login form
 *   GET  /dashboard/login    the login form: the operator types PROXY_ADMIN_TOKEN once
 *   POST /dashboard/login    token → HttpOnly session cookie → /dashboard/ (dashboard-login.ts)
 *   POST /dashboard/logout   ends the session on every proxy and clears the cookie
 *   GET  /dashboard/<file>   the page's scripts, styles and the charting library (static-files.ts)
 * The data comes from the admin API (/api/*), which accepts the session cookie as well as the
 * bearer token; the pages hold no data themselves.
 */
import express, { type RequestHandler, type Response } from 'express';
import { methodNotAllowed, notFound } from './admin-errors.js';
import { dashboardSessionId, type AdminAuth } from './admin-auth.js';
import {
  createLoginHandlers,
  requireSameOrigin,
  type DashboardLoginDeps,
} from './dashboard-login.js';
import { CLEARED_SESSION_COOKIE } from './dashboard-session.js';
import { createAssetRouter, PAGES } from './static-files.js';

export interface DashboardRouteDeps extends DashboardLoginDeps {
  auth: AdminAuth;
}

function redirect(res: Response, location: string, headers: Record<string, string> = {}): void {
  res
    .status(303)
    .set({ location, 'cache-control': 'no-store', ...headers })
    .end();
}

export function createDashboardRouter(deps: DashboardRouteDeps): express.Router {
  const router = express.Router();

  /** `/dashboard` and `/dashboard/` both reach this route: only the latter is the page. */
  const page: RequestHandler = async (req, res) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return redirect(res, '/dashboard/');
    if (await deps.auth.principalFor(req)) await deps.sendPage(res, 200, PAGES.dashboard);
    else redirect(res, '/dashboard/login');
  };

  const logout: RequestHandler = async (req, res) => {
    // The browser forgets the cookie even if the store cannot be reached below.
    res.setHeader('set-cookie', CLEARED_SESSION_COOKIE);
    const sessionId = dashboardSessionId(req, deps.token, deps.clock.now().getTime());
    if (sessionId) await deps.sessions.end(sessionId);
    redirect(res, '/dashboard/login');
  };

  router.route('/').get(page).all(methodNotAllowed);
  router
    .route('/login')
    .get((_req, res) => deps.sendPage(res, 200, PAGES.login))
    .post(...createLoginHandlers(deps))
    .all(methodNotAllowed);
  router.route('/logout').post(requireSameOrigin, logout).all(methodNotAllowed);
  router.use(createAssetRouter());
  router.use(notFound);
  return router;
}
