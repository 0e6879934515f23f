/**
 * The dashboard's login session: after the operator types the admin token once, the browser
 * holds `authshift_admin=v1.<expires>.<mac>` instead of the token, where mac =
 * HMAC-SHA256(PROXY_ADMIN_TOKEN, "authshift-dashboard:v1:<expires>").
 * SECURITY: the cookie never contains the token; it is HttpOnly (page scripts cannot read it),
 * SameSite=Strict (never sent on a cross-site request) and expires on its own. It is stateless,
 * so every proxy instance sharing the token accepts it; rotating the token ends every session.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../src/lib/random.js';

export const DASHBOARD_COOKIE = 'authshift_admin';

function mac(token: string, expires: number): string {
  return createHmac('sha256', token)
    .update(`authshift-dashboard:v1:${expires}`)
    .digest('base64url');
}

export function issueDashboardSession(token: string, nowMs: number, ttlSeconds: number): string {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  return `v1.${expires}.${mac(token, expires)}`;
}

/** True for an unexpired value signed with this token (the MAC is compared in constant time). */
export function verifyDashboardSession(
  value: string | undefined,
  token: string,
  nowMs: number,
): boolean {
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const expires = Number(match[1]);
  const signed = constantTimeEqual(match[2]!, mac(token, expires));
  return signed && expires * 1000 > nowMs;
}

export function sessionCookie(value: string, ttlSeconds: number): string {
  return `${DASHBOARD_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ttlSeconds}`;
}

export const CLEARED_SESSION_COOKIE = `${DASHBOARD_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
