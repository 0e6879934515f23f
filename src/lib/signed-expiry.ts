/**
 * The one signed, expiring value format the project issues (the routing claim, the dashboard's
 * session cookie):
 *
 *   <version>.<payload>.<expires, Unix seconds>.<base64url(HMAC-SHA256)>
 *
 * with the MAC over the ASCII string `<context>:<version>:<payload>:<expires>`. The context keeps
 * a value of one kind from verifying as another even under the same secret.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './random.js';

export interface SignedExpiryFormat {
  /** Domain separation, e.g. `authshift-route`. */
  context: string;
  version: string;
  /** The payload's characters and length, e.g. /[A-Za-z0-9_-]{1,1400}/ (no anchors, no dots). */
  payload: RegExp;
}

export interface SignedExpiry {
  payload: string;
  /** Unix seconds. */
  expires: number;
}

const mac = (format: SignedExpiryFormat, secret: string, payload: string, expires: number) =>
  createHmac('sha256', secret)
    .update(`${format.context}:${format.version}:${payload}:${expires}`)
    .digest('base64url');

export function signExpiring(
  format: SignedExpiryFormat,
  secret: string,
  { payload, expires }: SignedExpiry,
): string {
  return `${format.version}.${payload}.${expires}.${mac(format, secret, payload, expires)}`;
}

const patterns = new WeakMap<SignedExpiryFormat, RegExp>();
function patternOf(format: SignedExpiryFormat): RegExp {
  let pattern = patterns.get(format);
  if (!pattern) {
    const version = format.version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(
      `^${version}\\.(${format.payload.source})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{43})$`,
    );
    patterns.set(format, pattern);
  }
  return pattern;
}

/**
 * The payload and expiry of `value` when it is well formed, MACed with one of `secrets` (the
 * first signs; the others are accepted during a rotation) and unexpired at `nowSeconds`; else null.
 */
export function verifyExpiring(
  format: SignedExpiryFormat,
  secrets: readonly string[],
  value: string | undefined,
  nowSeconds: number,
): SignedExpiry | null {
  if (value === undefined) return null;
  const known = verifiedOf(format);
  const key = `${JSON.stringify(secrets)}${value}`;
  let verified = known.get(key) ?? null;
  if (!verified) {
    verified = checkMac(format, secrets, value);
    if (!verified) return null;
    if (known.size >= REMEMBERED_MAX) known.clear();
    known.set(key, verified);
  }
  return verified.expires > nowSeconds ? verified : null;
}

/**
 * Whether a value is well formed and MACed with one of the secrets is pure: once right it stays
 * right, only its expiry moves. Every request of a session carries the same claim, and the HMAC
 * was the dearest part of an authenticated request's own work, so values that verified are
 * remembered per format: a bounded map, emptied when full. Values that fail are never kept, so
 * an attacker's garbage costs a HMAC each, as before, and no memory.
 */
const REMEMBERED_MAX = 10_000;
const remembered = new WeakMap<SignedExpiryFormat, Map<string, SignedExpiry>>();
function verifiedOf(format: SignedExpiryFormat): Map<string, SignedExpiry> {
  let known = remembered.get(format);
  if (!known) remembered.set(format, (known = new Map()));
  return known;
}

function checkMac(
  format: SignedExpiryFormat,
  secrets: readonly string[],
  value: string,
): SignedExpiry | null {
  const match = patternOf(format).exec(value);
  if (!match) return null;
  const [, payload, expiresText, signature] = match as unknown as [string, string, string, string];
  const expires = Number(expiresText);
  // SECURITY: check every secret in constant time.
  const valid = secrets
    .map((secret) => constantTimeEqual(signature, mac(format, secret, payload, expires)))
    .some(Boolean);
  return valid ? Object.freeze({ payload, expires }) : null;
}
