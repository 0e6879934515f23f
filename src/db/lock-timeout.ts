import type { Sequelize, Transaction } from 'sequelize';

/**
 * How long this transaction's lock requests may wait (lock_timeout, for this transaction only):
 * ops DDL on tables live traffic writes gives up quickly and retries, so a writer is never the
 * one that waits long behind it.
 */
export async function setLocalLockTimeout(
  sequelize: Sequelize,
  transaction: Transaction,
  ms: number,
): Promise<void> {
  await sequelize.query(`SET LOCAL lock_timeout = '${Math.max(1, Math.round(ms))}ms'`, {
    transaction,
  });
}
