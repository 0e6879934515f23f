import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';

/**
 * fastapi-users' `jwt.py` on jose (in lib because the proxy verifies the new engine's tokens too): HS256 only, `exp` added only for a truthy lifetime, and decoding
 * demands an `aud` claim that meets the expected list (PyJWT `decode(audience=[…])`), checks `exp`
 * and `nbf` with no leeway, and refuses an `iat` in the future (PyJWT ≥ 2.10).
 * `now` comes from the injected clock, read once per operation.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/jwt.py
 */
const ALGORITHM = 'HS256';

/** The audiences of the three token kinds (access tokens write theirs as an array). */
export const ACCESS_AUDIENCE = 'fastapi-users:auth';
export const RESET_AUDIENCE = 'fastapi-users:reset';
export const VERIFY_AUDIENCE = 'fastapi-users:verify';

/**
 * Each secret's HMAC key is imported once: given raw bytes, jose imports a CryptoKey on every
 * sign and verify, which costs more than the HMAC itself on a small token.
 */
const importKey = (secret: string) =>
  crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
const keys = new Map<string, ReturnType<typeof importKey>>();
function keyOf(secret: string): ReturnType<typeof importKey> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = importKey(secret);
    keys.set(secret, key);
  }
  return key;
}
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

export async function generateJwt(
  data: Record<string, unknown>,
  secret: string,
  lifetimeSeconds: number | null,
  clock: Clock,
): Promise<string> {
  const payload: JWTPayload = { ...data };
  if (lifetimeSeconds) payload.exp = epoch(clock.now()) + lifetimeSeconds;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .sign(await keyOf(secret));
}

/** The verified payload, or null for any decoding or claim error (PyJWT's `PyJWTError`). */
export async function decodeJwt(
  token: string,
  secret: string,
  audience: string[],
  clock: Clock,
): Promise<JWTPayload | null> {
  const now = clock.now();
  try {
    const { payload } = await jwtVerify(token, await keyOf(secret), {
      algorithms: [ALGORITHM],
      audience,
      currentDate: now,
    });
    if (payload.aud === undefined) return null;
    if (typeof payload.iat === 'number' && payload.iat > epoch(now)) return null;
    return payload;
  } catch {
    return null;
  }
}
