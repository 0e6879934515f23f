import { QueryTypes, type Sequelize } from 'sequelize';
import type { RateRule } from '../../config/load-config.js';
import type { Clock } from '../../lib/clock.js';

/**
 * Fixed-window counters in PostgreSQL (`fu_rate_limits`), so every instance counts together.
 * A window starts at a key's first hit and lasts `windowSeconds`; one upsert per hit, atomic.
 */
export interface Verdict {
  limited: boolean;
  /** Hits counted in the current window (0 when there is none). */
  hits: number;
  /** Seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit and says whether the key is now over its limit. */
  hit(key: string, rule: RateRule): Promise<Verdict>;
  /** Says whether the key has used up its limit, without counting. */
  peek(key: string, rule: RateRule): Promise<Verdict>;
  clear(key: string): Promise<void>;
  /** Removes windows older than `olderThanSeconds`. */
  prune(olderThanSeconds: number): Promise<void>;
}

interface Row {
  hits: number;
  window_start: Date;
}

export function createRateLimiter({
  sequelize,
  clock,
}: {
  sequelize: Sequelize;
  clock: Clock;
}): RateLimiter {
  const verdict = (
    row: Row | undefined,
    rule: RateRule,
    limited: (hits: number) => boolean,
    now: Date,
  ): Verdict => {
    if (!row) return { limited: false, hits: 0, retryAfterSeconds: 0 };
    const ends = new Date(row.window_start).getTime() + rule.windowSeconds * 1000;
    return {
      limited: limited(row.hits),
      hits: row.hits,
      retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)),
    };
  };
  const expiredBefore = (now: Date, rule: RateRule) =>
    new Date(now.getTime() - rule.windowSeconds * 1000);

  return {
    async hit(key, rule) {
      const now = clock.now();
      const [row] = await sequelize.query<Row>(
        `INSERT INTO fu_rate_limits AS r (key, window_start, hits) VALUES (:key, :now, 1)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN r.window_start <= :expired THEN :now ELSE r.window_start END,
           hits = CASE WHEN r.window_start <= :expired THEN 1 ELSE r.hits + 1 END
         RETURNING hits, window_start`,
        { replacements: { key, now, expired: expiredBefore(now, rule) }, type: QueryTypes.SELECT },
      );
      return verdict(row, rule, (hits) => hits > rule.max, now);
    },
    async peek(key, rule) {
      const now = clock.now();
      const [row] = await sequelize.query<Row>(
        'SELECT hits, window_start FROM fu_rate_limits WHERE key = :key AND window_start > :expired',
        { replacements: { key, expired: expiredBefore(now, rule) }, type: QueryTypes.SELECT },
      );
      return verdict(row, rule, (hits) => hits >= rule.max, now);
    },
    async clear(key) {
      await sequelize.query('DELETE FROM fu_rate_limits WHERE key = :key', {
        replacements: { key },
      });
    },
    async prune(olderThanSeconds) {
      await sequelize.query('DELETE FROM fu_rate_limits WHERE window_start < :before', {
        replacements: { before: new Date(clock.now().getTime() - olderThanSeconds * 1000) },
      });
    },
  };
}
