/**
 * Which engine issued the session or credential a request carries, from markers alone (no
 * database lookup, agreed with the engines): the legacy engine's `crm.sid` is an express-session
 * signed id `s:<sid>.<sig>` (`s%3A…` on the wire); the new engine's facade writes `crm.sid`
 * values starting `fu.`; the native new engine uses `Authorization: Bearer` and the
 * `fastapiusersauth` cookie. A `crm.sid` marker wins over the others: it is the legacy
 * contract's own session.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Arm } from './rollout-policy.js';

export const SESSION_COOKIE = 'crm.sid';
export const FU_AUTH_COOKIE = 'fastapiusersauth';

export function sessionEngine(headers: IncomingHttpHeaders): Arm | undefined {
  const cookies = headers.cookie;
  const sid = cookies ? cookieValue(cookies, SESSION_COOKIE) : undefined;
  if (sid !== undefined) {
    if (sid.startsWith('s%3A') || sid.startsWith('s:')) return 'legacy';
    if (sid.startsWith('fu.')) return 'new';
  }
  if (/^Bearer\s+\S/i.test(headers.authorization ?? '')) return 'new';
  if (cookies && cookieValue(cookies, FU_AUTH_COOKIE)) return 'new';
  return undefined;
}

/** The first value of cookie `name` in a Cookie header (undefined when absent). */
export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
