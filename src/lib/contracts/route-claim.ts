/**
 * The routing claim: how the proxy learns whose request it is routing without a database round
 * trip. Both engines set it (cookie `authshift_route`) whenever they start or serve a session, and
 * the proxy routes a logged-in request by the current policy for the e-mail in it. It names a
 * canonical e-mail and an expiry, MACed with ROUTING_SECRET (shared by the monolith and the proxy):
 *
 *   v1.<base64url(canonical e-mail)>.<expires, Unix seconds>.<base64url(HMAC-SHA256)>
 *
 * over the ASCII string `authshift-route:v1:<base64url e-mail>:<expires>` (src/lib/signed-expiry.ts).
 * It is not a credential: it never authenticates anyone, it only says which engine should serve
 * the session the request carries, and either engine can serve every session. A request without a
 * valid claim is routed like an anonymous one (legacy engine), never by a cookie's look.
 */
import { signExpiring, verifyExpiring, type SignedExpiryFormat } from '../signed-expiry.js';

const FORMAT: SignedExpiryFormat = {
  context: 'authshift-route',
  version: 'v1',
  payload: /[A-Za-z0-9_-]{1,1400}/,
};

export interface RouteClaim {
  /** Canonical e-mail (src/lib/identity/canonical-email.ts). */
  email: string;
  /** Unix seconds. */
  expires: number;
}

export function signRouteClaim(secret: string, claim: RouteClaim): string {
  const payload = Buffer.from(claim.email, 'utf8').toString('base64url');
  return signExpiring(FORMAT, secret, { payload, expires: claim.expires });
}

/**
 * The claim in `value` when it is well formed, MACed with one of `secrets` (the first signs; the
 * others are accepted during a rotation) and unexpired at `nowSeconds`; otherwise null.
 */
export function verifyRouteClaim(
  secrets: readonly string[],
  value: string | undefined,
  nowSeconds: number,
): RouteClaim | null {
  const verified = verifyExpiring(FORMAT, secrets, value, nowSeconds);
  if (!verified) return null;
  return {
    email: Buffer.from(verified.payload, 'base64url').toString('utf8'),
    expires: verified.expires,
  };
}
