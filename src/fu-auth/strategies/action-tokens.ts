import { RESET_AUDIENCE, VERIFY_AUDIENCE } from '../../lib/contracts/fu-jwt.js';
import type { Clock } from '../../lib/clock.js';
import type { PasswordHasher } from '../../passwords/password-hasher.js';
import type { FuUser } from '../store/user-store.js';
import { decodeJwt, generateJwt } from './jwt.js';

/**
 * Reset-password and verification tokens, exactly as BaseUserManager makes them: the audience is a
 * plain string here (unlike access tokens), and a reset token carries `password_fgpt`, an argon2
 * hash of the stored password hash, so any change of the hash (reset, PATCH, even a rehash on
 * login) kills every outstanding reset token. Verifying the fingerprint with argon2 also accepts
 * tokens minted by the Python service.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/manager.py
 */
export { RESET_AUDIENCE, VERIFY_AUDIENCE };

export interface ActionTokenSettings {
  resetSecret: string;
  resetLifetimeSeconds: number;
  verifySecret: string;
  verifyLifetimeSeconds: number;
}

export interface ResetClaims {
  sub: unknown;
  fingerprint: string;
}

export function createActionTokens(
  settings: ActionTokenSettings,
  deps: { hasher: PasswordHasher; clock: Clock },
) {
  return {
    async forReset(user: FuUser): Promise<string> {
      const fingerprint = await deps.hasher.hash(user.hashedPassword);
      return generateJwt(
        { sub: user.id, password_fgpt: fingerprint, aud: RESET_AUDIENCE },
        settings.resetSecret,
        settings.resetLifetimeSeconds,
        deps.clock,
      );
    },

    /** Null when undecodable, expired, for another audience, or missing `sub`/`password_fgpt`. */
    async readReset(token: string): Promise<ResetClaims | null> {
      const payload = await decodeJwt(token, settings.resetSecret, [RESET_AUDIENCE], deps.clock);
      if (!payload || payload.sub === undefined || payload.password_fgpt === undefined) return null;
      if (typeof payload.password_fgpt !== 'string') return null;
      return { sub: payload.sub, fingerprint: payload.password_fgpt };
    },

    /** The fingerprint still matches the hash stored now. */
    fingerprintMatches: (user: FuUser, fingerprint: string) =>
      deps.hasher.verify(user.hashedPassword, fingerprint),

    forVerify: (user: FuUser) =>
      generateJwt(
        { sub: user.id, email: user.email, aud: VERIFY_AUDIENCE },
        settings.verifySecret,
        settings.verifyLifetimeSeconds,
        deps.clock,
      ),

    async readVerify(token: string): Promise<{ sub: unknown; email: unknown } | null> {
      const payload = await decodeJwt(token, settings.verifySecret, [VERIFY_AUDIENCE], deps.clock);
      if (!payload || payload.sub === undefined || payload.email === undefined) return null;
      return { sub: payload.sub, email: payload.email };
    },
  };
}

export type ActionTokens = ReturnType<typeof createActionTokens>;
