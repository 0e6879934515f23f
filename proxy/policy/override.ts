/**
 * The signed override QA uses to pin one request to an arm:
 *   x-authshift-force-arm: legacy | new
 *   x-authshift-signature: v1.<expires>.<hmac>
 * where <expires> is a Unix time in seconds and <hmac> is the lower-case hex HMAC-SHA256, keyed
 * with PROXY_OVERRIDE_SECRET, of the ASCII string `authshift-force-arm:v1:<arm>:<expires>`.
 * `npm run rollout -- sign-override ARM [--ttl SECONDS]` prints both headers.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../src/lib/random.js';
import type { Arm } from './rollout-policy.js';

export const FORCE_ARM_HEADER = 'x-authshift-force-arm';
export const SIGNATURE_HEADER = 'x-authshift-signature';
/** A signature valid for longer than this is refused, so a leaked header cannot live forever. */
export const MAX_OVERRIDE_TTL_SECONDS = 24 * 3600;

export type OverrideRejection = 'unsigned' | 'malformed' | 'bad_signature' | 'expired';
export type OverrideResult = { arm: Arm } | { rejected: OverrideRejection } | undefined;

export function overrideSigningInput(arm: Arm, expires: number): string {
  return `authshift-force-arm:v1:${arm}:${expires}`;
}

export function signOverride(secret: string, arm: Arm, expires: number): string {
  const mac = createHmac('sha256', secret).update(overrideSigningInput(arm, expires)).digest('hex');
  return `v1.${expires}.${mac}`;
}

const SIGNATURE = /^v1\.(\d{1,12})\.([0-9a-f]{64})$/;

/** Checks the two headers; `undefined` when the request asks for no override at all. */
export function verifyOverride(
  forceArm: string | undefined,
  signature: string | undefined,
  secret: string,
  nowSeconds: number,
): OverrideResult {
  if (forceArm === undefined) return undefined;
  if (forceArm !== 'legacy' && forceArm !== 'new') return { rejected: 'malformed' };
  if (signature === undefined) return { rejected: 'unsigned' };
  const match = SIGNATURE.exec(signature);
  if (!match) return { rejected: 'malformed' };
  const expires = Number(match[1]);
  // SECURITY: compare the whole signature in constant time before looking at the expiry, so the
  // answer time says nothing about how much of a forged MAC was right.
  if (!constantTimeEqual(signature, signOverride(secret, forceArm, expires)))
    return { rejected: 'bad_signature' };
  if (expires <= nowSeconds || expires > nowSeconds + MAX_OVERRIDE_TTL_SECONDS)
    return { rejected: 'expired' };
  return { arm: forceArm };
}
