import type { Sequelize } from 'sequelize';
import { isLockConflict } from '../db/conflict-retry.js';
import { setLocalLockTimeout } from '../db/lock-timeout.js';
import { retry } from '../lib/retry.js';

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
  await retry(
    () =>
      sequelize.transaction(async (transaction) => {
        await setLocalLockTimeout(sequelize, transaction, ddl.lockTimeoutMs ?? 500);
        for (const lock of ddl.locks) await sequelize.query(`LOCK TABLE ${lock}`, { transaction });
        for (const sql of ddl.statements) await sequelize.query(sql, { transaction });
      }),
    { attempts: ddl.attempts ?? 20, retryOn: isLockConflict, pauseMs: (attempt) => 20 * attempt },
  );
}
