import type { Sequelize, Transaction } from 'sequelize';

/**
 * One identity per e-mail address (src/lib/identity/canonical-email.ts): what both engines use to
 * compare addresses in SQL and to give an account an address without a race.
 *
 * `users` cannot be unique on the canonical address in phase 1 (old twins stay until `users
 * dedupe`), and the two engines write different tables, so no index can decide between two
 * registrations of `a@x.com` and `A@X.COM` on different engines. Every write that gives an
 * account an address therefore takes a transaction-scoped advisory lock on the canonical form
 * first, then checks, then writes: the second writer waits for the first to commit and then sees
 * its row.
 */

/** SQL: `column` holds the same address as the bind parameter `$param`. */
export const sameAddress = (column: string, param = 'email') =>
  `authshift_canonical_email(${column}) = authshift_canonical_email($${param})`;

// Two-key advisory locks are a key space of their own: no clash with LOCK_KEYS (single keys).
const ADDRESS_LOCK_SPACE = 4_177_100;

/** Held until `transaction` ends; a different address may share a slot (hash), which only waits. */
export async function lockAddress(
  sequelize: Sequelize,
  email: string,
  transaction: Transaction,
): Promise<void> {
  await sequelize.query(
    'SELECT pg_advisory_xact_lock($space, hashtext(authshift_canonical_email($email)))',
    { bind: { space: ADDRESS_LOCK_SPACE, email }, transaction },
  );
}

/**
 * Whether an address may be given to an account. `claim` decides race-free inside `transaction`:
 * it locks the canonical address, then asks `taken` (the active user store's rule of who holds
 * it). `taken` alone is a quick answer without the lock (to spare work before the transaction).
 */
export interface AddressClaims {
  taken(email: string, transaction?: Transaction): Promise<boolean>;
  claim(email: string, transaction: Transaction): Promise<'free' | 'taken'>;
}

export function createAddressClaims(
  sequelize: Sequelize,
  taken: (email: string, transaction?: Transaction) => Promise<boolean>,
): AddressClaims {
  return {
    taken,
    async claim(email, transaction) {
      await lockAddress(sequelize, email, transaction);
      return (await taken(email, transaction)) ? 'taken' : 'free';
    },
  };
}
