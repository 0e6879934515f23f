import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Clock } from '../../lib/clock.js';
import { type FuUser, type FuUserChanges, type UserStore } from './user-store.js';
import { transactionWithRetry } from '../../db/conflict-retry.js';
import { createAddressClaims, sameAddress } from '../../users/address-claim.js';
import { createPreparedRead } from '../../db/prepared-reads.js';
import {
  createAccessTokenRead,
  createLegacyAccountRead,
  createUserByKey,
  createUserSelect,
  newAddress,
  withAddress,
} from './store-helpers.js';

interface UserRow {
  id: string;
  email: string;
  hashed_password: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
  legacy_user_id: number;
}

// The new engine's hash is `fu_hashed_password`; until it writes one (a legacy-only account, or
// a password the legacy engine changed last) it is the legacy hash, which the hasher verifies.
const COLUMNS = `uuid::text AS id, email,
  COALESCE(fu_hashed_password, hashed_password, '') AS hashed_password,
  is_active, is_superuser, is_verified, id AS legacy_user_id`;

const toFuUser = (row: UserRow): FuUser => ({
  id: row.id,
  email: row.email,
  hashedPassword: row.hashed_password,
  isActive: row.is_active,
  isSuperuser: row.is_superuser,
  isVerified: row.is_verified,
  legacyUserId: row.legacy_user_id,
});

/**
 * Phase 2 store: one table, consolidated `users`. Every person is one row with both
 * identities (integer `id` for the legacy contract, `uuid` for fastapi-users), so there is no twin
 * to mirror and no legacy-only row to import. Writes keep both vocabularies true at once
 * (`is_superuser` and `role`, `is_verified` and `email_confirmed_at`), so the legacy engine reads
 * the same person, and mark the row `fu_linked` so a rollback gives it a `fu_users` row again.
 *
 * `legacyPasswordMirror` keeps a bcrypt copy in `hashed_password` (FU_LEGACY_WRITE_BACK, as in
 * phase 1): a legacy system that verifies bcrypt only could take over again with every password.
 * With it off, `hashed_password` takes the argon2id hash (the legacy engine here verifies it).
 */
export function createConsolidatedUserStore({
  sequelize,
  clock,
  keepBcryptCopy,
}: {
  sequelize: Sequelize;
  clock: Clock;
  keepBcryptCopy: boolean;
}): UserStore {
  const select = createUserSelect<UserRow>(sequelize, `${COLUMNS} FROM users`, toFuUser);
  const read = createPreparedRead(sequelize);
  const byKey = createUserByKey<UserRow>(read, `${COLUMNS} FROM users`, toFuUser);
  const claims = createAddressClaims(sequelize, (email, t) => store.emailTaken(email, t));

  const store: UserStore = {
    kind: 'users',
    legacyPasswordMirror: keepBcryptCopy,
    // A registration racing the cutover's triggers can be a deadlock victim: it simply runs again.
    transaction: (work) => transactionWithRetry(sequelize, work),

    getById: (id, transaction) =>
      /^[0-9a-f-]{36}$/i.test(id)
        ? byKey('uuid = $1::uuid', id, transaction)
        : Promise.resolve(null),
    getByEmail: (email, transaction) => select(sameAddress('email'), { email }, transaction),
    getByLegacyId: (legacyUserId, transaction) => byKey('id = $1', legacyUserId, transaction),
    getLegacyAccount: createLegacyAccountRead<UserRow>(read, `${COLUMNS} FROM users`, toFuUser),
    getByAccessToken: createAccessTokenRead<UserRow>(
      read,
      COLUMNS,
      'users ON users.uuid = t.user_id',
      toFuUser,
    ),

    async list(limit, offset, transaction) {
      const rows = await sequelize.query<UserRow>(
        `SELECT ${COLUMNS} FROM users ORDER BY authshift_canonical_email(email), uuid LIMIT $limit OFFSET $offset`,
        { bind: { limit, offset }, transaction, type: QueryTypes.SELECT },
      );
      return rows.map(toFuUser);
    },

    async emailTaken(email, transaction) {
      const [row] = await sequelize.query<{ taken: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM users WHERE ${sameAddress('email')}) AS taken`,
        { bind: { email }, transaction, type: QueryTypes.SELECT },
      );
      return row?.taken === true;
    },

    // Every account is already a row of this table, unique by canonical address: no twins.
    legacyHolders: () => Promise.resolve([]),
    async importLegacy(candidate, _hashedPassword, transaction) {
      return store.getByLegacyId(candidate.legacyUserId, transaction);
    },

    create: (user, transaction) =>
      withAddress(store, claims, user.email, transaction, async (transaction) => {
        const now = clock.now();
        const [row] = await sequelize.query<UserRow>(
          `INSERT INTO users (email, full_name, hashed_password, fu_hashed_password, is_active,
                              role, email_confirmed_at, is_superuser, is_verified, fu_linked,
                              created_at, updated_at)
           VALUES ($email, $fullName, $legacyHash, $hash, $active, $role, $confirmed, $superuser,
                   $verified, true, $now, $now)
           RETURNING ${COLUMNS}`,
          {
            bind: {
              email: user.email,
              fullName: user.fullName ?? null,
              legacyHash: user.legacyHashedPassword ?? user.hashedPassword,
              hash: user.hashedPassword,
              active: user.isActive,
              role: user.isSuperuser ? 'admin' : 'user',
              confirmed: user.isVerified ? now : null,
              superuser: user.isSuperuser,
              verified: user.isVerified,
              now,
            },
            transaction,
            type: QueryTypes.SELECT,
          },
        );
        return toFuUser(row!);
      }),

    update: (user, changes, transaction) =>
      withAddress(store, claims, newAddress(user, changes), transaction, (transaction) =>
        updateRow(user, changes, transaction),
      ),

    async delete(user, transaction) {
      // Contacts, tokens and sessions go by cascade, as with the phase-1 twin.
      await sequelize.query('DELETE FROM users WHERE id = $id', {
        bind: { id: user.legacyUserId },
        transaction,
      });
    },

    async followLegacyPassword(legacyUserId, legacyHash, transaction) {
      // The legacy engine wrote `hashed_password`; the new engine's copy is now stale.
      await sequelize.query(
        `UPDATE users SET hashed_password = $hash, fu_hashed_password = NULL, updated_at = $now
          WHERE id = $legacyUserId`,
        { bind: { hash: legacyHash, now: clock.now(), legacyUserId }, transaction },
      );
    },

    async touchLogin(user, transaction) {
      await sequelize.query(
        'UPDATE users SET last_login_at = $now, fu_linked = true WHERE id = $id',
        { bind: { id: user.legacyUserId, now: clock.now() }, transaction },
      );
    },
  };

  async function updateRow(
    user: FuUser,
    changes: FuUserChanges,
    transaction?: Transaction,
  ): Promise<FuUser> {
    const set = passwordColumns(changes, keepBcryptCopy);
    const values: Record<string, unknown> = {
      id: user.legacyUserId,
      now: clock.now(),
      hash: changes.hashedPassword,
      legacyHash: changes.legacyHashedPassword,
    };
    if (changes.email !== undefined) {
      set.push('email = $email');
      values.email = changes.email;
    }
    if (changes.isActive !== undefined) {
      set.push('is_active = $active');
      values.active = changes.isActive;
    }
    if (changes.isSuperuser !== undefined) {
      set.push(
        'is_superuser = $superuser',
        `role = CASE WHEN $superuser THEN 'admin' WHEN role = 'admin' THEN 'user' ELSE role END`,
      );
      values.superuser = changes.isSuperuser;
    }
    if (changes.isVerified !== undefined) {
      set.push(
        'is_verified = $verified',
        'email_confirmed_at = CASE WHEN $verified THEN COALESCE(email_confirmed_at, $now) ELSE NULL END',
      );
      values.verified = changes.isVerified;
    }
    if (set.length === 0) return user;
    const expected = changes.ifHashedPassword;
    if (expected !== undefined) values.expected = expected;
    const [row] = await sequelize.query<UserRow>(
      `UPDATE users SET ${set.join(', ')}, fu_linked = true, updated_at = $now
        WHERE id = $id
        ${expected === undefined ? '' : `AND COALESCE(fu_hashed_password, hashed_password, '') = $expected`}
        RETURNING ${COLUMNS}`,
      { bind: values, transaction, type: QueryTypes.SELECT },
    );
    return row ? toFuUser(row) : user;
  }

  return store;
}

/**
 * Which hash columns a password write touches. With a bcrypt copy kept, a new hash without a
 * legacy one is a rehash of the same password (the legacy hash still verifies it); without the
 * copy, every new hash also becomes the legacy one, so a rollback never revives an old password.
 */
function passwordColumns(changes: FuUserChanges, keepBcryptCopy: boolean): string[] {
  const set: string[] = [];
  if (changes.hashedPassword !== undefined) set.push('fu_hashed_password = $hash');
  if (changes.legacyHashedPassword !== undefined) set.push('hashed_password = $legacyHash');
  else if (changes.hashedPassword !== undefined && !keepBcryptCopy)
    set.push('hashed_password = $hash');
  return set;
}
