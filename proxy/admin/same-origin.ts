import type { IncomingMessage } from 'node:http';

/** The header the dashboard's own scripts add to every state-changing call. */
export const DASHBOARD_HEADER = 'x-authshift-dashboard';

/**
 * SECURITY: CSRF defence for requests authenticated by the dashboard cookie. SameSite=Strict
 * already keeps the cookie off cross-site requests; on top of that a state change must name this
 * very origin in `Origin` (browsers send it on every POST), must not be marked cross-site by
 * `Sec-Fetch-Site`, and (for the JSON API) must carry a custom header, which a cross-origin form
 * or a CORS "simple" request cannot add. Bearer-token calls need none of this: no browser sends
 * that header by itself.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

export function isDashboardCall(req: IncomingMessage): boolean {
  return isSameOrigin(req) && req.headers[DASHBOARD_HEADER] === '1';
}
