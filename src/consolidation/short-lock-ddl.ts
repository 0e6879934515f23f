import { setTimeout as sleep } from 'node:timers/promises';
import type { Sequelize } from 'sequelize';
import { isLockConflict } from '../db/conflict-retry.js';

export interface ShortLockDdl {
  /** `LOCK TABLE` clauses taken first, in the order writers use the tables. */
  locks: string[];
  statements: string[];
  lockTimeoutMs?: number;
  attempts?: number;
}

/**
 * DDL on tables that live traffic writes: every lock is requested up front and waits at most
 * `lockTimeoutMs` (below PostgreSQL's 1 s deadlock_timeout), so a writer is never the one that
 * fails: this transaction gives up, lets the writers through, and tries again.
 */
export async function runShortLockDdl(sequelize: Sequelize, ddl: ShortLockDdl): Promise<void> {
  const attempts = ddl.attempts ?? 20;
  const lockTimeoutMs = Math.max(1, Math.round(ddl.lockTimeoutMs ?? 500));
  for (let attempt = 1; ; attempt++) {
    try {
      await sequelize.transaction(async (transaction) => {
        await sequelize.query(`SET LOCAL lock_timeout = '${lockTimeoutMs}ms'`, { transaction });
        for (const lock of ddl.locks) await sequelize.query(`LOCK TABLE ${lock}`, { transaction });
        for (const sql of ddl.statements) await sequelize.query(sql, { transaction });
      });
      return;
    } catch (error) {
      if (!isLockConflict(error) || attempt >= attempts) throw error;
      await sleep(20 * attempt);
    }
  }
}
