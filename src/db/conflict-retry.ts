import type { Sequelize, Transaction } from 'sequelize';
import { retry } from '../lib/retry.js';

/**
 * PostgreSQL answers some concurrent work with an error that means "try again", not "this is
 * wrong": a deadlock victim (40P01), a serialisation failure (40001), a lock wait cut short by
 * lock_timeout (55P03). The whole transaction was rolled back, so running it again is safe.
 * @see https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html
 */
const RETRYABLE = new Set(['40P01', '40001']);
const LOCK_CONFLICT = new Set(['55P03', '40P01']);

function codes(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as { parent?: unknown }).parent) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') found.push(code);
  }
  return found;
}

/** A deadlock or a serialisation failure: the transaction lost a race and can run again. */
export function isRetryableConflict(error: unknown): boolean {
  return codes(error).some((code) => RETRYABLE.has(code));
}

/** A lock we asked for was not granted in time (lock_timeout) or we were the deadlock victim. */
export function isLockConflict(error: unknown): boolean {
  return codes(error).some((code) => LOCK_CONFLICT.has(code));
}

/**
 * Runs `work` in a transaction and runs it again (up to `attempts` times, after a short jittered
 * pause) when PostgreSQL chose it as the loser of a race. Only for work whose effects are all in
 * the transaction: hashing before it and hooks after it are not repeated.
 */
export function transactionWithRetry<T>(
  sequelize: Sequelize,
  work: (transaction: Transaction) => Promise<T>,
  attempts = 4,
): Promise<T> {
  return retry(() => sequelize.transaction(work), {
    attempts,
    retryOn: isRetryableConflict,
    pauseMs: (attempt) => 5 * attempt + Math.floor(Math.random() * 10),
  });
}
