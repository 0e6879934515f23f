/**
 * What the proxy can verify about who a request is, without a database round trip (docs/proxy.md,
 * "Decision"): the signed routing claim the engines set (`authshift_route`),
 * and the new engine's own tokens, checked with the secrets the monolith signs them with (HS256,
 * fastapi-users' audiences, `exp`). Session cookies are never read: their look proves nothing
 * (`crm.sid=fu.x`, `fastapiusersauth=x` and an unverified bearer once chose the arm).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ROUTE_COOKIE } from '../../src/lib/contracts/cookies.js';
import {
  ACCESS_AUDIENCE,
  decodeJwt,
  RESET_AUDIENCE,
  VERIFY_AUDIENCE,
} from '../../src/lib/contracts/fu-jwt.js';
import { verifyRouteClaim } from '../../src/lib/contracts/route-claim.js';
import { readCookieValue } from '../../src/lib/http/cookies.js';

export interface VerifierSecrets {
  /** Current routing secret first, then a previous one during a rotation. */
  routing: readonly string[];
  jwt: string;
  resetPasswordToken: string;
  verificationToken: string;
}

const clockAt = (now: Date) => ({ now: () => now });

/** The canonical e-mail of a valid, unexpired routing claim, else undefined. */
export function claimEmail(
  headers: IncomingHttpHeaders,
  secrets: VerifierSecrets,
  now: Date,
): string | undefined {
  const value = readCookieValue(headers.cookie, ROUTE_COOKIE);
  const claim = verifyRouteClaim(secrets.routing, value, Math.floor(now.getTime() / 1000));
  return claim?.email;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** True when `Authorization: Bearer` carries an access token the new engine signed and that is live. */
export async function hasVerifiedBearer(
  headers: IncomingHttpHeaders,
  secrets: VerifierSecrets,
  now: Date,
): Promise<boolean> {
  const token = BEARER.exec(headers.authorization ?? '')?.[1];
  if (!token) return false;
  return (await decodeJwt(token, secrets.jwt, [ACCESS_AUDIENCE], clockAt(now))) !== null;
}

/** True for a live reset-password token the new engine signed (the engine checks the rest). */
export async function isResetToken(
  token: string,
  secrets: VerifierSecrets,
  now: Date,
): Promise<boolean> {
  const payload = await decodeJwt(
    token,
    secrets.resetPasswordToken,
    [RESET_AUDIENCE],
    clockAt(now),
  );
  return payload !== null && payload.sub !== undefined;
}

/** The e-mail of a live verification token the new engine signed, else undefined. */
export async function verifyTokenEmail(
  token: string,
  secrets: VerifierSecrets,
  now: Date,
): Promise<string | undefined> {
  const payload = await decodeJwt(
    token,
    secrets.verificationToken,
    [VERIFY_AUDIENCE],
    clockAt(now),
  );
  return typeof payload?.email === 'string' ? payload.email : undefined;
}
