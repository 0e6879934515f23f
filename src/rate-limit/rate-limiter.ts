import { QueryTypes, type Sequelize } from 'sequelize';
import type { RateRule } from '../config/load-config.js';
import type { Clock } from '../lib/clock.js';

/**
 * Fixed-window counters in PostgreSQL (`fu_rate_limits`), so every instance counts together.
 * A window starts at a key's first hit and lasts `windowSeconds`. Every count is one upsert, so it
 * is atomic however many requests arrive at once; a `reserve` takes a slot only while one is free
 * (the row lock of ON CONFLICT DO UPDATE orders concurrent claims), so a budget of N admits at
 * most N, never N plus whatever raced past a check made before the work.
 */
export interface Verdict {
  limited: boolean;
  /** Hits counted in the current window (0 when there is none). */
  hits: number;
  /** Seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

export interface RateKey {
  key: string;
  rule: RateRule;
}

/**
 * One step of an admission: `hit` counts every attempt and is over its limit past `max`;
 * `reserve` counts only while fewer than `max` are counted (refused otherwise, nothing counted).
 */
export interface Claim extends RateKey {
  mode: 'hit' | 'reserve';
}

export interface RateLimiter {
  /** Counts one hit and says whether the key is now over its limit. */
  hit(key: string, rule: RateRule): Promise<Verdict>;
  /**
   * Runs the claims in order, in one statement: each only if every earlier one was admitted.
   * The verdicts of claims that did not run are undefined.
   */
  admit(claims: readonly Claim[]): Promise<(Verdict | undefined)[]>;
  /** Gives back one counted hit on each key (reservations whose work turned out not to count). */
  refund(...keys: string[]): Promise<void>;
  /** Clears one key and gives back one hit on another, in one round trip (a login's success). */
  clearAndRefund(clearKey: string, refundKey: string): Promise<void>;
  clear(key: string): Promise<void>;
  /** Removes windows older than `olderThanSeconds`. */
  prune(olderThanSeconds: number): Promise<void>;
}

interface Row {
  hits: number;
  window_start: Date;
}

const upsert = (i: number, from: string, guard: string) =>
  `INSERT INTO fu_rate_limits AS r (key, window_start, hits) SELECT :key${i}, :now, 1 ${from}
     ON CONFLICT (key) DO UPDATE SET
       window_start = CASE WHEN r.window_start <= :expired${i} THEN :now ELSE r.window_start END,
       hits = CASE WHEN r.window_start <= :expired${i} THEN 1 ELSE r.hits + 1 END
     ${guard}`;

export function createRateLimiter({
  sequelize,
  clock,
}: {
  sequelize: Sequelize;
  clock: Clock;
}): RateLimiter {
  const retryAfter = (windowStart: Date, rule: RateRule, now: Date) =>
    Math.max(
      1,
      Math.ceil(
        (new Date(windowStart).getTime() + rule.windowSeconds * 1000 - now.getTime()) / 1000,
      ),
    );
  const expiredBefore = (now: Date, rule: RateRule) =>
    new Date(now.getTime() - rule.windowSeconds * 1000);

  async function admit(claims: readonly Claim[]): Promise<(Verdict | undefined)[]> {
    const now = clock.now();
    const replacements: Record<string, unknown> = { now };
    const ctes: string[] = [];
    const selects: string[] = [];
    claims.forEach((claim, i) => {
      Object.assign(replacements, {
        [`key${i}`]: claim.key,
        [`max${i}`]: claim.rule.max,
        [`expired${i}`]: expiredBefore(now, claim.rule),
      });
      // Each step reads the one before, so a refused step stops the chain (nothing more counted).
      const from = i === 0 ? '' : `FROM c${i - 1} WHERE c${i - 1}.admitted`;
      const guard =
        claim.mode === 'reserve' ? `WHERE r.window_start <= :expired${i} OR r.hits < :max${i}` : '';
      const admitted = claim.mode === 'hit' ? `hits <= :max${i}` : 'true';
      ctes.push(
        `c${i} AS (${upsert(i, from, guard)} RETURNING hits, window_start, ${admitted} AS admitted)`,
      );
      selects.push(`SELECT ${i} AS step, hits, window_start, admitted, true AS counted FROM c${i}`);
      // A refused reservation counted nothing: read its window for Retry-After (the statement's
      // snapshot; a row inserted concurrently is not there, and then the whole window is used).
      if (claim.mode === 'reserve') {
        const ran = i === 0 ? 'true' : `EXISTS (SELECT 1 FROM c${i - 1} WHERE c${i - 1}.admitted)`;
        selects.push(
          `SELECT ${i}, hits, window_start, false, false FROM fu_rate_limits
           WHERE key = :key${i} AND ${ran} AND NOT EXISTS (SELECT 1 FROM c${i})`,
        );
      }
    });
    const rows = await sequelize.query<Row & { step: number; admitted: boolean; counted: boolean }>(
      `WITH ${ctes.join(',\n')}\n${selects.join('\nUNION ALL\n')}`,
      {
        replacements,
        type: QueryTypes.SELECT,
      },
    );
    const verdicts: (Verdict | undefined)[] = claims.map(() => undefined);
    for (const row of rows) {
      const rule = claims[row.step]!.rule;
      verdicts[row.step] = {
        limited: !row.admitted,
        hits: row.hits,
        retryAfterSeconds: retryAfter(row.window_start, rule, now),
      };
    }
    // A reservation that ran, was refused, and whose row the snapshot could not see.
    claims.forEach((claim, i) => {
      const previous = i === 0 ? { limited: false } : verdicts[i - 1];
      if (!verdicts[i] && previous && !previous.limited && claim.mode === 'reserve')
        verdicts[i] = {
          limited: true,
          hits: claim.rule.max,
          retryAfterSeconds: claim.rule.windowSeconds,
        };
    });
    return verdicts;
  }

  return {
    async hit(key, rule) {
      const [verdict] = await admit([{ key, rule, mode: 'hit' }]);
      return verdict!;
    },
    admit,
    async refund(...keys) {
      await sequelize.query(
        'UPDATE fu_rate_limits SET hits = hits - 1 WHERE key IN (:keys) AND hits > 0',
        { replacements: { keys } },
      );
    },
    async clearAndRefund(clearKey, refundKey) {
      await sequelize.query(
        `WITH cleared AS (DELETE FROM fu_rate_limits WHERE key = :clearKey)
         UPDATE fu_rate_limits SET hits = hits - 1 WHERE key = :refundKey AND hits > 0`,
        { replacements: { clearKey, refundKey } },
      );
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
