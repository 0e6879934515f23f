import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { transactionWithRetry } from '../db/conflict-retry.js';
import type { UserStore } from '../fu-auth/store/user-store.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LegacyUserRepository } from '../users/legacy-user-repository.js';

/** What a login verified, to confirm once its session is stored. */
export interface VerifiedLogin {
  legacyUserId: number;
  /**
   * Whose hash the login checked: the legacy row's (the legacy engine, a legacy-only account on
   * the facade) or the new engine's user's.
   */
  source: 'legacy' | 'user';
  /** The hash the password was verified against (as a verification's rehash left it). */
  hash: string | null;
  password: string;
}

/** True when the stored session may stand; false when the caller must end it and refuse. */
export type LoginConfirmation = (login: VerifiedLogin) => Promise<boolean>;

/**
 * A login verifies the password, then stores a session. A password change (or reset, or
 * deactivation) committing in between ends the person's other sessions before this one exists,
 * which would leave it alive on the old password. So, once its session is stored, a login
 * confirms under a share lock on the row every such change writes: a change that committed
 * first is seen here (the session is ended and the login refused), and one that commits later
 * waits for this lock and then finds the stored session among those it ends.
 * The common case costs one short locked read; a hash that differs only because a concurrent
 * login rehashed the same password costs one verification more.
 */
export function createLoginConfirmation(deps: {
  sequelize: Sequelize;
  store: () => UserStore;
  legacyUsers: LegacyUserRepository;
  hasher: PasswordHasher;
}): LoginConfirmation {
  const { sequelize } = deps;

  /**
   * Consolidated: the `users` row. Split: the `fu_users` twin, which password changes of both
   * engines write (the legacy one through `followLegacyPassword`), else the legacy row itself.
   */
  async function lockCredential(store: UserStore, id: number, transaction: Transaction) {
    const lock = (sql: string) =>
      sequelize.query(sql, { replacements: { id }, transaction, type: QueryTypes.SELECT });
    if (store.kind === 'fu_users') {
      const twin = await lock('SELECT 1 FROM fu_users WHERE legacy_user_id = :id FOR SHARE');
      if (twin.length > 0) return;
    }
    await lock('SELECT 1 FROM users WHERE id = :id FOR SHARE');
  }

  return (login) =>
    transactionWithRetry(sequelize, async (transaction) => {
      const store = deps.store();
      await lockCredential(store, login.legacyUserId, transaction);
      const current =
        login.source === 'user'
          ? await store.getByLegacyId(login.legacyUserId, transaction)
          : await deps.legacyUsers.findById(login.legacyUserId, transaction);
      if (!current?.isActive) return false;
      if (current.hashedPassword === login.hash) return true;
      return deps.hasher.verify(login.password, current.hashedPassword);
    });
}
