import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/load-config.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { canonicalEmail } from '../lib/identity/canonical-email.js';
import { clientKey } from '../lib/net/client-key.js';
import type { RateLimiter, Verdict } from './rate-limiter.js';

/**
 * The one set of limits for every login, registration, forgot-password and verification-request
 * route: the legacy
 * engine's `/auth/*`, the facade's `/fu_auth/legacy/*` and `/fu_auth/*` (docs/security.md, "Rate
 * limits and lockout"). Counts live in PostgreSQL (rate-limiter.ts), so every instance and both
 * engines count together.
 *
 * Login: every attempt counts for its client address; a failure counts for the (account, address)
 * pair, whose budget is reserved before the password is evaluated (at most N evaluations however
 * many arrive at once) and given back by a success. A pair out of budget answers 429 to that
 * address only, so nobody can lock an owner out from elsewhere. Failures from all addresses
 * together only slow the account down (a doubling delay before each evaluation), never refuse it.
 * Accounts are keyed by a digest of the canonical address (every spelling is the one account, no
 * addresses in the table); unknown e-mails are counted like known ones, so a 429 reveals nothing.
 * A failed login is padded to the slowest verification's time (flat timing, `failureFloorMs`).
 */
export interface Throttles {
  /** Runs `attempt` unless a limit is reached; an attempt that throws a client error failed. */
  login<T>(ip: string | undefined, email: string, attempt: () => Promise<T>): Promise<T>;
  register(ip: string | undefined): Promise<void>;
  forgotPassword(ip: string | undefined, email: string): Promise<void>;
  /** The verification e-mail: the forgot-password rules, on budgets of its own. */
  requestVerify(ip: string | undefined, email: string): Promise<void>;
}

type RateLimitConfig = Config['fuAuth']['rateLimit'];

export interface ThrottleOptions {
  /** How long a failed login takes at least (ms): the slowest password verification's time. */
  failureFloorMs?: () => number;
  /** Waits `ms`; tests pass one that records the delays. */
  pause?: (ms: number) => Promise<void>;
}

/** The first slowed attempt waits this long; each further failure doubles it (up to the max). */
export const SLOWDOWN_BASE_MS = 250;

const digest = (value: string) => createHash('sha256').update(value).digest('hex');
const accountOf = (email: string) => digest(canonicalEmail(email));
const addressOf = clientKey;

/** The delay before an attempt on an account with `failures` recent failures (0 = none). */
export function slowdownMs(failures: number, rule: { max: number }, maxMs: number): number {
  const over = failures - rule.max;
  if (over <= 0) return 0;
  return Math.min(maxMs, SLOWDOWN_BASE_MS * 2 ** Math.min(over - 1, 30));
}

function refuse(verdict: Verdict | undefined): void {
  if (verdict?.limited)
    throw new AppError('TOO_MANY_REQUESTS', {
      headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
    });
}

/** A client error is the caller's failure (wrong password, disabled, unknown); a 5xx is ours. */
const isFailure = (error: unknown) => isAppError(error) && error.status < 500;

export function createThrottles(
  limiter: RateLimiter,
  config: RateLimitConfig,
  options: ThrottleOptions = {},
): Throttles {
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  const floor = options.failureFloorMs ?? (() => 0);

  /** Runs `attempt`; a failure is answered no sooner than the floor, whatever made it fail. */
  async function flat<T>(attempt: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await attempt();
    } catch (error) {
      if (isFailure(error)) {
        const rest = floor() - (performance.now() - started);
        if (rest > 0) await pause(rest);
      }
      throw error;
    }
  }

  if (!config.enabled) {
    return {
      login: (_ip, _email, attempt) => flat(attempt),
      register: async () => undefined,
      forgotPassword: async () => undefined,
      requestVerify: async () => undefined,
    };
  }
  /**
   * An anonymous request that sends an account an e-mail (reset, verification): limited per
   * client address and per account, so nobody can flood a mailbox or pile up background work.
   */
  async function mailRequest(kind: string, ip: string | undefined, email: string) {
    const [perIp, perAccount] = await limiter.admit([
      { key: `${kind}:ip:${addressOf(ip)}`, rule: config.forgotPerIp, mode: 'hit' },
      { key: `${kind}:account:${accountOf(email)}`, rule: config.forgotPerAccount, mode: 'hit' },
    ]);
    refuse(perIp);
    refuse(perAccount);
  }

  return {
    async login(ip, email, attempt) {
      const account = accountOf(email);
      const pairKey = `login:pair:${account}:${digest(addressOf(ip))}`;
      const accountKey = `login:account:${account}`;
      const [perIp, pair, wide] = await limiter.admit([
        { key: `login:ip:${addressOf(ip)}`, rule: config.loginPerIp, mode: 'hit' },
        { key: pairKey, rule: config.loginFailuresPerAccount, mode: 'reserve' },
        { key: accountKey, rule: config.loginSlowdownPerAccount, mode: 'hit' },
      ]);
      refuse(perIp);
      refuse(pair);
      // Counted before this attempt's result is known: the attempt itself is not yet a failure.
      const delay = slowdownMs(
        (wide?.hits ?? 1) - 1,
        config.loginSlowdownPerAccount,
        config.loginSlowdownMaxMs,
      );
      if (delay > 0) await pause(delay);
      let result: Awaited<ReturnType<typeof attempt>>;
      try {
        result = await flat(attempt);
      } catch (error) {
        // Our own failure (5xx) is no guess: give both counts back.
        if (!isFailure(error)) await limiter.refund(pairKey, accountKey);
        throw error;
      }
      // A success forgets this address's failures and gives back its own count on the account.
      await limiter.clearAndRefund(pairKey, accountKey);
      return result;
    },
    async register(ip) {
      refuse(await limiter.hit(`register:ip:${addressOf(ip)}`, config.registerPerIp));
    },
    forgotPassword: (ip, email) => mailRequest('forgot', ip, email),
    requestVerify: (ip, email) => mailRequest('verify', ip, email),
  };
}
