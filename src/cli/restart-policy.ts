/**
 * When `npm start` restarts a service that died: at once-ish, then slower (exponential backoff up
 * to a cap), and not forever: after `maxRestarts` crashes in a row, each within `stableAfterMs`
 * of its start, the crash is not going away by itself and the supervisor gives up.
 */
export interface RestartPolicy {
  maxRestarts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A service that ran this long before dying starts a new streak. */
  stableAfterMs: number;
}

export const RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  stableAfterMs: 60_000,
};

export type RestartDecision =
  { restart: true; attempt: number; delayMs: number } | { restart: false; crashes: number };

export interface CrashCounter {
  /** One more crash, after `uptimeMs` of running: restart (after how long) or give up. */
  crashed(uptimeMs: number): RestartDecision;
  /** A fresh start (its code changed): earlier crashes no longer count. */
  reset(): void;
}

export function createCrashCounter(policy: RestartPolicy = RESTART_POLICY): CrashCounter {
  let streak = 0;
  return {
    crashed(uptimeMs) {
      streak = uptimeMs >= policy.stableAfterMs ? 1 : streak + 1;
      if (streak > policy.maxRestarts) return { restart: false, crashes: streak };
      const delayMs = Math.min(policy.baseDelayMs * 2 ** (streak - 1), policy.maxDelayMs);
      return { restart: true, attempt: streak, delayMs };
    },
    reset() {
      streak = 0;
    },
  };
}
