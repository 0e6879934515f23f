import type { FuUser, UserStore } from '../fu-auth/store/user-store.js';
import type { LegacyUserRecord } from '../users/legacy-user.js';
import type { LegacyUserRepository } from '../users/legacy-user-repository.js';
import { accountIsActive, type Account } from './account.js';

export type Accounts = ReturnType<typeof createAccounts>;

/**
 * Builds the account behind a credential. `of` is the account as it is; the `active…` readers
 * return null for a deleted or disabled one, which is simply not logged in any more.
 */
export function createAccounts(deps: {
  legacyUsers: LegacyUserRepository;
  /** The active user store; a getter, so a cutover or rollback applies at once. */
  store: () => UserStore;
}) {
  const active = (account: Account) => (accountIsActive(account) ? account : null);
  /**
   * The account read with a legacy session's user (`sessionUser`), by that request's record: the
   * resolver then needs no second read. Keyed by the record object, which is the request's own.
   */
  const readWithSession = new WeakMap<LegacyUserRecord, Account>();

  async function of(legacy: LegacyUserRecord): Promise<Account> {
    return { legacy, user: await deps.store().getByLegacyId(legacy.id) };
  }

  return {
    of,
    async activeOf(legacy: LegacyUserRecord): Promise<Account | null> {
      return active(readWithSession.get(legacy) ?? (await of(legacy)));
    },
    /**
     * passport's deserialiser for legacy sessions: the legacy user while its row is active (as
     * the legacy engine's `userForSession`), read in one statement with the account's user.
     */
    async sessionUser(legacyUserId: number): Promise<LegacyUserRecord | null> {
      const account = await deps.store().getLegacyAccount(legacyUserId);
      if (!account?.legacy.isActive) return null;
      readWithSession.set(account.legacy, account);
      return account.legacy;
    },
    /** The legacy row and its user in one statement (a facade session's every request). */
    async activeByLegacyId(legacyUserId: number): Promise<Account | null> {
      const account = await deps.store().getLegacyAccount(legacyUserId);
      return account ? active(account) : null;
    },
    /** A new-engine user made outside this engine (no legacy id) has no legacy account. */
    async activeForUser(user: FuUser): Promise<Account | null> {
      if (user.legacyUserId === null) return null;
      const legacy = await deps.legacyUsers.findById(user.legacyUserId);
      return legacy ? active({ legacy, user }) : null;
    },
  };
}
