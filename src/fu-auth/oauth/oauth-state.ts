import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import type { Clock } from '../../lib/clock.js';
import { generateJwt } from '../strategies/jwt.js';

/**
 * The OAuth `state` of fastapi-users 15: a JWT (HS256, 3600 s) `{"sub"?, "csrftoken", "aud":
 * "fastapi-users:oauth-state", "exp"}` that rides through the provider, paired with the
 * `fastapiusersoauthcsrf` cookie holding the same CSRF token (the double-submit check of the
 * callback). `sub` (associate routers) is the user the flow was started for.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/oauth.py
 */
export const STATE_AUDIENCE = 'fastapi-users:oauth-state';
export const CSRF_COOKIE = 'fastapiusersoauthcsrf';
export const STATE_LIFETIME_SECONDS = 3600;

export type StateReading =
  | { ok: true; csrfToken: string | undefined; sub: unknown }
  | { ok: false; error: 'ACCESS_TOKEN_DECODE_ERROR' | 'ACCESS_TOKEN_ALREADY_EXPIRED' };

export function createOAuthState(deps: { secret: string; clock: Clock }) {
  const key = new TextEncoder().encode(deps.secret);
  return {
    /** `secrets.token_urlsafe(32)`: 43 URL-safe characters. */
    newCsrfToken: () => randomBytes(32).toString('base64url'),

    write: (csrfToken: string, sub?: string) =>
      generateJwt(
        { ...(sub === undefined ? {} : { sub }), csrftoken: csrfToken, aud: STATE_AUDIENCE },
        deps.secret,
        STATE_LIFETIME_SECONDS,
        deps.clock,
      ),

    /**
     * PyJWT's outcomes as upstream maps them: expired → ACCESS_TOKEN_ALREADY_EXPIRED, anything
     * else undecodable → ACCESS_TOKEN_DECODE_ERROR (upstream lets a wrong audience become a 500).
     */
    async read(token: string): Promise<StateReading> {
      const now = deps.clock.now();
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          audience: STATE_AUDIENCE,
          currentDate: now,
        });
        if (typeof payload.iat === 'number' && payload.iat > Math.floor(now.getTime() / 1000))
          return { ok: false, error: 'ACCESS_TOKEN_DECODE_ERROR' };
        const csrf = payload.csrftoken;
        return {
          ok: true,
          csrfToken: typeof csrf === 'string' ? csrf : undefined,
          sub: payload.sub,
        };
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          return { ok: false, error: 'ACCESS_TOKEN_ALREADY_EXPIRED' };
        return { ok: false, error: 'ACCESS_TOKEN_DECODE_ERROR' };
      }
    },

    /**
     * The PKCE code verifier of a flow, derived from its CSRF token: only the browser that holds
     * the cookie can complete the code exchange, and no extra cookie or server state is needed.
     * The state (readable by anyone who sees the redirect) carries the token, never the verifier.
     */
    codeVerifier: (csrfToken: string) =>
      createHmac('sha256', key).update(`pkce:${csrfToken}`).digest('base64url'),
  };
}

export type OAuthState = ReturnType<typeof createOAuthState>;

/** `secrets.compare_digest` of the cookie and the state's token; both must be present. */
export function csrfMatches(cookie: string | null, fromState: string | undefined): boolean {
  if (!cookie || !fromState) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(fromState);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function csrfCookie(token: string, secure: boolean): string {
  return [
    `${CSRF_COOKIE}=${token}`,
    'HttpOnly',
    `Max-Age=${STATE_LIFETIME_SECONDS}`,
    'Path=/',
    'SameSite=lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
