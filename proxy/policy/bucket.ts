/**
 * The sticky bucket of a user: SHA-256 over the UTF-8 bytes of `salt + ":" + canonical e-mail`,
 * the first 8 bytes of the digest read as a big-endian unsigned 64-bit integer, modulo 10 000.
 * A user is on the new arm by percentage when bucket < round(percent × 100), so growing the
 * percentage only ever adds buckets (monotonic) and every process computes the same answer.
 * `authshift_rollout_bucket(salt, email)` in PostgreSQL is the same function.
 */
import { createHash } from 'node:crypto';
import { canonicalEmail } from '../../src/lib/identity/canonical-email.js';

export const BUCKETS = 10_000;

export function bucketOf(salt: string, email: string): number {
  const digest = createHash('sha256')
    .update(`${salt}:${canonicalEmail(email)}`, 'utf8')
    .digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(BUCKETS));
}
