/**
 * The dashboard's login session: after the operator types the admin token once, the browser
 * holds `authshift_admin=v2.<id>.<expires>.<mac>` instead of the token, where id is random and
 * mac = HMAC-SHA256(PROXY_ADMIN_TOKEN, "authshift-dashboard:v2:<id>:<expires>") (the
 * project's one signed-expiry format, src/lib/signed-expiry.ts).
 * SECURITY: the cookie never contains the token; it is HttpOnly (page scripts cannot read it),
 * SameSite=Strict (never sent on a cross-site request) and expires on its own. The signature
 * keeps forged values away from the database and makes rotating the token end every session; the
 * id names a row of the session store (dashboard-session-store.ts), which logout deletes, so a
 * copied cookie dies with the session on every proxy sharing the database.
 */
import { serialize } from 'cookie';
import { randomToken } from '../../src/lib/random.js';
import {
  signExpiring,
  verifyExpiring,
  type SignedExpiryFormat,
} from '../../src/lib/signed-expiry.js';

export const DASHBOARD_COOKIE = 'authshift_admin';

export interface DashboardSession {
  id: string;
  /** Unix seconds. */
  expires: number;
  /** The cookie's value. */
  value: string;
}

const FORMAT: SignedExpiryFormat = {
  context: 'authshift-dashboard',
  version: 'v2',
  payload: /[A-Za-z0-9_-]{43}/,
};

export function issueDashboardSession(
  token: string,
  nowMs: number,
  ttlSeconds: number,
  id = randomToken(),
): DashboardSession {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  return { id, expires, value: signExpiring(FORMAT, token, { payload: id, expires }) };
}

/**
 * The session id of an unexpired value signed with this token (the MAC is compared in constant
 * time), else null. Whether the session was ended is the store's to say.
 */
export function verifyDashboardSession(
  value: string | undefined,
  token: string,
  nowMs: number,
): string | null {
  return verifyExpiring(FORMAT, [token], value, nowMs / 1000)?.payload ?? null;
}

const ATTRIBUTES = { path: '/', httpOnly: true, sameSite: 'strict' } as const;

export function sessionCookie(value: string, ttlSeconds: number): string {
  return serialize(DASHBOARD_COOKIE, value, { ...ATTRIBUTES, maxAge: ttlSeconds });
}

export const CLEARED_SESSION_COOKIE = serialize(DASHBOARD_COOKIE, '', { ...ATTRIBUTES, maxAge: 0 });
