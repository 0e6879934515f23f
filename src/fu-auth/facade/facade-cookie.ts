import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { readCookieValue } from '../../lib/http/cookies.js';
import { FACADE_SESSION_PREFIX, LEGACY_SESSION_COOKIE } from '../../lib/contracts/cookies.js';

/**
 * The facade's session cookie. Clients see what the legacy engine sends: `crm.sid`, HttpOnly,
 * SameSite=Lax, Path=/, an Expires date, Secure iff COOKIE_SECURE. Its value is `fu.<token>`, so
 * one cookie can hold either engine's session and both engines tell them apart (`s:` is
 * express-session's signed id); either engine honours both (src/sessions). Which engine serves a
 * request is the routing claim's business, never this prefix's.
 */
export interface FacadeCookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
}

export function readFacadeToken(req: Pick<IncomingMessage, 'headers'>): string | null {
  const value = readCookieValue(req.headers.cookie, LEGACY_SESSION_COOKIE);
  if (!value?.startsWith(FACADE_SESSION_PREFIX)) return null;
  const token = value.slice(FACADE_SESSION_PREFIX.length);
  return token === '' ? null : token;
}

export function setFacadeCookie(
  res: Response,
  token: string,
  expires: Date,
  settings: FacadeCookieSettings,
): void {
  // `expires` rather than `maxAge`: express-session writes Expires only, and so must we.
  res.cookie(LEGACY_SESSION_COOKIE, `${FACADE_SESSION_PREFIX}${token}`, {
    path: '/',
    expires,
    httpOnly: true,
    secure: settings.secure,
    sameSite: 'lax',
  });
}
