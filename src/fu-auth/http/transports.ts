import type { IncomingMessage } from 'node:http';
import { FU_AUTH_COOKIE } from '../../lib/contracts/cookies.js';
import { readCookieValue } from '../../lib/http/cookies.js';

/**
 * The two transports of fastapi-users. Bearer: the scheme is matched case-insensitively and the
 * token is everything after the first space. Cookie: `fastapiusersauth`, empty = no credential;
 * Set-Cookie is written by hand because Starlette's attribute order differs from Express's:
 * `name=value; Domain; HttpOnly; Max-Age; Path; SameSite; Secure`, and no Expires.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/authentication/transport/cookie.py
 */
export const AUTH_COOKIE = FU_AUTH_COOKIE;

/** What the transports read of a request: its headers (an Express request or a bare one). */
type WithHeaders = Pick<IncomingMessage, 'headers'>;

export function readBearer(req: WithHeaders): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = header.slice(space + 1);
  return token === '' ? null : token;
}

export function readCookie(req: WithHeaders, name: string): string | null {
  // Starlette unquotes `""` to an empty value, which is no credential.
  const value = readCookieValue(req.headers.cookie, name);
  return value === undefined || value === '' ? null : value;
}

export interface CookieSettings {
  maxAgeSeconds: number;
  secure: boolean;
}

export function authCookie(token: string, settings: CookieSettings): string {
  return [
    `${AUTH_COOKIE}=${token}`,
    'HttpOnly',
    `Max-Age=${settings.maxAgeSeconds}`,
    'Path=/',
    'SameSite=lax',
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ');
}

export function authCookieDeletion(settings: CookieSettings): string {
  return [
    `${AUTH_COOKIE}=""`,
    'HttpOnly',
    'Max-Age=0',
    'Path=/',
    'SameSite=lax',
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ');
}
