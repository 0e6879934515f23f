import { createHash } from 'node:crypto';
import type { Config } from '../../config/load-config.js';
import { AppError, isAppError } from '../../errors/app-error.js';
import { canonicalEmail } from '../../lib/identity/canonical-email.js';
import type { RateLimiter, Verdict } from './rate-limiter.js';

/**
 * Where the limits apply (a deliberate deviation from fastapi-users, which never throttles):
 * login per IP (every attempt) and per account (failed attempts only, cleared by a success), and
 * forgot-password per IP and per account. Unknown e-mails are counted like known ones, so a 429
 * reveals nothing. Accounts are keyed by a digest of the canonical address (one identity: every
 * spelling of an address counts for the one account): no addresses in the table. An attempt that
 * is refused answers 429 TOO_MANY_REQUESTS with `Retry-After`.
 */
export interface Throttles {
  /** Runs `attempt` unless a limit is reached; an attempt that throws a client error failed. */
  login<T>(ip: string | undefined, email: string, attempt: () => Promise<T>): Promise<T>;
  forgotPassword(ip: string | undefined, email: string): Promise<void>;
}

type RateLimitConfig = Config['fuAuth']['rateLimit'];

const accountKey = (kind: string, email: string) =>
  `${kind}:account:${createHash('sha256').update(canonicalEmail(email)).digest('hex')}`;

function refuse(verdict: Verdict): void {
  if (verdict.limited)
    throw new AppError('TOO_MANY_REQUESTS', {
      headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
    });
}

export function createThrottles(limiter: RateLimiter, config: RateLimitConfig): Throttles {
  if (!config.enabled) {
    return {
      login: (_ip, _email, attempt) => attempt(),
      forgotPassword: async () => undefined,
    };
  }
  return {
    async login(ip, email, attempt) {
      const account = accountKey('login', email);
      const [perIp, failures] = await limiter.hitThenPeek(
        { key: `login:ip:${ip ?? 'unknown'}`, rule: config.loginPerIp },
        { key: account, rule: config.loginFailuresPerAccount },
      );
      refuse(perIp);
      refuse(failures);
      let result: Awaited<ReturnType<typeof attempt>>;
      try {
        result = await attempt();
      } catch (error) {
        if (isAppError(error) && error.status < 500)
          await limiter.hit(account, config.loginFailuresPerAccount);
        throw error;
      }
      // Nothing to forget when there were no failures: spares a write on the hot path.
      if (failures.hits > 0) await limiter.clear(account);
      return result;
    },
    async forgotPassword(ip, email) {
      refuse(await limiter.hit(`forgot:ip:${ip ?? 'unknown'}`, config.forgotPerIp));
      refuse(await limiter.hit(accountKey('forgot', email), config.forgotPerAccount));
    },
  };
}
