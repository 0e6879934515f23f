import type { Request, Response } from 'express';
import { readCookieValue } from '../../lib/http/cookies.js';
import { LEGACY_SESSION_COOKIE } from '../../legacy-auth/session.js';

/**
 * The facade's session cookie. Clients see what the legacy engine sends: `crm.sid`, HttpOnly,
 * SameSite=Lax, Path=/, an Expires date, Secure iff COOKIE_SECURE. Its value is `fu.<token>`: the
 * proxy routes by that prefix without a database lookup (`s:`/`s%3A` = legacy engine, `fu.` = new
 * engine), and the legacy engine's signed-cookie check simply ignores it.
 */
export const FACADE_COOKIE_PREFIX = 'fu.';

export interface FacadeCookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
}

export function readFacadeToken(req: Request): string | null {
  const value = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE);
  if (!value?.startsWith(FACADE_COOKIE_PREFIX)) return null;
  const token = value.slice(FACADE_COOKIE_PREFIX.length);
  return token === '' ? null : token;
}

export function setFacadeCookie(
  res: Response,
  token: string,
  expires: Date,
  settings: FacadeCookieSettings,
): void {
  // `expires` rather than `maxAge`: express-session writes Expires only, and so must we.
  res.cookie(LEGACY_SESSION_COOKIE, `${FACADE_COOKIE_PREFIX}${token}`, {
    path: '/',
    expires,
    httpOnly: true,
    secure: settings.secure,
    sameSite: 'lax',
  });
}

export function clearFacadeCookie(res: Response): void {
  res.clearCookie(LEGACY_SESSION_COOKIE, { path: '/' });
}
