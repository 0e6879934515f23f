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
  /**
   * Counts one hit on `hit.key` and says whether `peek.key` has used up its limit, without
   * counting that one, in one round trip (the keys differ): the login's hot path.
   */
  hitThenPeek(hit: RateKey, peek: RateKey): Promise<[Verdict, Verdict]>;
  clear(key: string): Promise<void>;
  /** Removes windows older than `olderThanSeconds`. */
  prune(olderThanSeconds: number): Promise<void>;
}

export interface RateKey {
  key: string;
  rule: RateRule;
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

  const HIT = `INSERT INTO fu_rate_limits AS r (key, window_start, hits) VALUES (:key, :now, 1)
     ON CONFLICT (key) DO UPDATE SET
       window_start = CASE WHEN r.window_start <= :expired THEN :now ELSE r.window_start END,
       hits = CASE WHEN r.window_start <= :expired THEN 1 ELSE r.hits + 1 END
     RETURNING hits, window_start`;

  return {
    async hit(key, rule) {
      const now = clock.now();
      const [row] = await sequelize.query<Row>(HIT, {
        replacements: { key, now, expired: expiredBefore(now, rule) },
        type: QueryTypes.SELECT,
      });
      return verdict(row, rule, (hits) => hits > rule.max, now);
    },
    async hitThenPeek(hit, peek) {
      const now = clock.now();
      // PERF: one statement instead of two round trips on every login; the peeked key is another
      // row, so the CTE's write does not need to be visible to the read.
      const [row] = await sequelize.query<{
        hit_hits: number;
        hit_start: Date;
        peek_hits: number | null;
        peek_start: Date | null;
      }>(
        `WITH counted AS (${HIT})
         SELECT c.hits AS hit_hits, c.window_start AS hit_start,
                p.hits AS peek_hits, p.window_start AS peek_start
         FROM counted c
         LEFT JOIN fu_rate_limits p ON p.key = :peekKey AND p.window_start > :peekExpired`,
        {
          replacements: {
            key: hit.key,
            now,
            expired: expiredBefore(now, hit.rule),
            peekKey: peek.key,
            peekExpired: expiredBefore(now, peek.rule),
          },
          type: QueryTypes.SELECT,
        },
      );
      const hitRow = row && { hits: row.hit_hits, window_start: row.hit_start };
      const peekRow =
        row && row.peek_hits !== null && row.peek_start !== null
          ? { hits: row.peek_hits, window_start: row.peek_start }
          : undefined;
      return [
        verdict(hitRow, hit.rule, (hits) => hits > hit.rule.max, now),
        verdict(peekRow, peek.rule, (hits) => hits >= peek.rule.max, now),
      ];
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
