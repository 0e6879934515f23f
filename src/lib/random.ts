import { randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token, like Python's secrets.token_urlsafe(bytes): 32 bytes → 43 chars. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Every session id and token this system issues is URL-safe base64 (express-session's uid-safe
 * ids, `randomToken`): anything else a client sends names no session or token, and is left out
 * rather than sent to SQL (a NUL, say, is not even valid text for PostgreSQL).
 */
export const isIssuableToken = (value: string): boolean => /^[A-Za-z0-9_-]{1,128}$/.test(value);

/** Constant-time string comparison; a length mismatch still costs one comparison. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
