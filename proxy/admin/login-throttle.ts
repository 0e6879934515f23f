/**
 * SECURITY: the dashboard's login form is where a person types the admin token, so it is where
 * guessing happens. After `maxFailures` wrong tokens from one client address within
 * `windowSeconds` (a fixed window from that address's first failure), the form refuses every
 * attempt from that address, right or wrong, until the window ends: a guesser learns nothing from
 * further tries. Machine clients use the bearer token on the API, which is not throttled (a
 * monitoring scrape must not be locked out by someone else's guesses on the same host).
 *
 * In memory and per process: the admin port is loopback by default, and each proxy instance
 * counting its own attempts still bounds guesses to instances × maxFailures per window. The
 * table is bounded too, so a flood of addresses cannot grow it without limit.
 */
import type { Clock } from '../../src/lib/clock.js';

export interface LoginThrottleOptions {
  maxFailures: number;
  windowSeconds: number;
  clock: Clock;
  /** Addresses remembered at most; the oldest windows are forgotten first. */
  maxAddresses?: number;
}

export interface LoginThrottle {
  /** Whole seconds until `address` may try again; 0 when it may try now. */
  retryAfterSeconds(address: string): number;
  /** Counts a wrong token; true when this failure locked the address. */
  failed(address: string): boolean;
  /** A right token ends the address's window. */
  succeeded(address: string): void;
}

interface Window {
  startedMs: number;
  failures: number;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { maxFailures, clock } = options;
  const windowMs = options.windowSeconds * 1000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const windows = new Map<string, Window>();

  /** The address's window if it is still running (an ended one is dropped). */
  function current(address: string, nowMs: number): Window | undefined {
    const window = windows.get(address);
    if (!window || nowMs - window.startedMs < windowMs) return window;
    windows.delete(address);
    return undefined;
  }

  function makeRoom(nowMs: number): void {
    if (windows.size < maxAddresses) return;
    for (const [address, window] of windows)
      if (nowMs - window.startedMs >= windowMs) windows.delete(address);
    // Map iteration follows insertion, so the first entries are the oldest windows.
    for (const address of windows.keys()) {
      if (windows.size < maxAddresses) break;
      windows.delete(address);
    }
  }

  return {
    retryAfterSeconds(address) {
      const nowMs = clock.now().getTime();
      const window = current(address, nowMs);
      if (!window || window.failures < maxFailures) return 0;
      return Math.max(1, Math.ceil((window.startedMs + windowMs - nowMs) / 1000));
    },
    failed(address) {
      const nowMs = clock.now().getTime();
      let window = current(address, nowMs);
      if (!window) {
        makeRoom(nowMs);
        window = { startedMs: nowMs, failures: 0 };
        windows.set(address, window);
      }
      window.failures += 1;
      return window.failures === maxFailures;
    },
    succeeded(address) {
      windows.delete(address);
    },
  };
}
