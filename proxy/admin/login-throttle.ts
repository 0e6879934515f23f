/**
 * SECURITY: the dashboard's login form is where a person types the admin token, so it is where
 * guessing happens. After `maxFailures` wrong tokens from one client address within
 * `windowSeconds` (a fixed window from that address's first failure), the form refuses every
 * attempt from that address, right or wrong, until the window ends: a guesser learns nothing from
 * further tries. Machine clients use the bearer token on the API, which is not throttled (a
 * monitoring scrape must not be locked out by someone else's guesses on the same host).
 *
 * SECURITY: a guess is reserved when the request's head arrives, before its body is read, and the
 * budget counts reserved guesses as well as failures. Checking before the body and counting after
 * it would let many slow bodies pass the check together; with reservations, however many logins
 * one address holds open, at most `maxFailures` tokens are ever compared per window. A reservation
 * whose body never arrives (aborted, too large) is released: no token was compared.
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

/** One reserved guess; exactly one of its methods takes effect (the first called). */
export interface LoginAttempt {
  /** The token was wrong: the guess becomes a failure. True when this failure locked the address. */
  failed(): boolean;
  /** The token was right: the address's window ends. */
  succeeded(): void;
  /** No token was compared (the body never came): the guess goes back to the budget. */
  release(): void;
}

export type Reservation =
  { ok: true; attempt: LoginAttempt } | { ok: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Reserves one guess for `address`, or says how many whole seconds it must wait. */
  reserve(address: string): Reservation;
}

interface Window {
  startedMs: number;
  failures: number;
  pending: number;
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { maxFailures, clock } = options;
  const windowMs = options.windowSeconds * 1000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const windows = new Map<string, Window>();

  /**
   * The address's window if it is still running. An ended one is dropped, unless guesses are
   * still in flight in it: then it starts again with their reservations kept, so none is lost.
   */
  function current(address: string, nowMs: number): Window | undefined {
    const window = windows.get(address);
    if (!window || nowMs - window.startedMs < windowMs) return window;
    if (window.pending > 0) return Object.assign(window, { startedMs: nowMs, failures: 0 });
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

  function open(address: string, nowMs: number): Window {
    const running = current(address, nowMs);
    if (running) return running;
    makeRoom(nowMs);
    const window = { startedMs: nowMs, failures: 0, pending: 0 };
    windows.set(address, window);
    return window;
  }

  function attemptOn(address: string, window: Window): LoginAttempt {
    let settled = false;
    /** Ends the reservation once; false when it had already ended. */
    const settle = () => {
      if (settled) return false;
      settled = true;
      window.pending -= 1;
      return true;
    };
    const forget = () => {
      if (windows.get(address) === window) windows.delete(address);
    };
    return {
      failed() {
        if (!settle()) return false;
        const nowMs = clock.now().getTime();
        // The window runs from the first failure, not from the first guess's arrival.
        if (window.failures === 0) window.startedMs = nowMs;
        window.failures += 1;
        return window.failures === maxFailures;
      },
      succeeded() {
        if (!settle()) return;
        window.failures = 0; // guesses still in flight keep their reservations
        if (window.pending === 0) forget();
      },
      release() {
        if (settle() && window.failures === 0 && window.pending === 0) forget();
      },
    };
  }

  return {
    reserve(address) {
      const nowMs = clock.now().getTime();
      const window = open(address, nowMs);
      if (window.failures >= maxFailures) {
        const left = Math.ceil((window.startedMs + windowMs - nowMs) / 1000);
        return { ok: false, retryAfterSeconds: Math.max(1, left) };
      }
      // The budget is taken by guesses still in flight: they settle in moments, so ask for 1 s.
      if (window.failures + window.pending >= maxFailures)
        return { ok: false, retryAfterSeconds: 1 };
      window.pending += 1;
      return { ok: true, attempt: attemptOn(address, window) };
    },
  };
}
