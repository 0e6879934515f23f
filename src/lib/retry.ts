import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** True when the error means "try again" (a lost race, a lock not granted in time). */
  retryOn(error: unknown): boolean;
  /** Pause before attempt `attempt + 1`, in ms (default: none). */
  pauseMs?(attempt: number): number;
  /** Work between a failed attempt and the next (e.g. catching up), after the pause. */
  between?(attempt: number): Promise<void>;
  /** The error to throw when the last attempt failed with a retryable error (default: that error). */
  giveUp?(error: unknown, attempts: number): unknown;
}

/**
 * The one retry loop: runs `work(attempt)` until it succeeds, fails with an error `retryOn`
 * does not accept (thrown at once), or has failed `attempts` times (`giveUp`'s error).
 */
export async function retry<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!options.retryOn(error)) throw error;
      if (attempt >= options.attempts)
        throw options.giveUp ? options.giveUp(error, attempt) : error;
      const pause = options.pauseMs?.(attempt) ?? 0;
      if (pause > 0) await sleep(pause);
      await options.between?.(attempt);
    }
  }
}
