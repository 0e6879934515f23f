import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Clock } from '../../lib/clock.js';
import { LEGACY_ONLY_USERS_VIEW } from '../../lib/contracts/migration-state.js';
import { createAddressClaims, sameAddress } from '../../users/address-claim.js';
import { legacyHolder } from './legacy-candidate.js';
import { createLegacyMirror } from './legacy-mirror.js';
import { type FuUser, type FuUserChanges, type UserStore } from './user-store.js';
import { transactionWithRetry } from '../../db/conflict-retry.js';
import { createPreparedRead } from '../../db/prepared-reads.js';
import {
  createAccessTokenRead,
  createLegacyAccountRead,
  createUserByKey,
  createUserSelect,
  newAddress,
  withAddress,
} from './store-helpers.js';

interface FuUserRow {
  id: string;
  email: string;
  hashed_password: string;
  is_active: boolean;
  is_superuser: boolean;
  is_verified: boolean;
  legacy_user_id: number | null;
}

const COLUMNS = 'id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id';

function toFuUser(row: FuUserRow): FuUser {
  return {
    id: row.id,
    email: row.email,
    hashedPassword: row.hashed_password,
    isActive: row.is_active,
    isSuperuser: row.is_superuser,
    isVerified: row.is_verified,
    legacyUserId: row.legacy_user_id,
  };
}

export interface SplitUserStoreOptions {
  sequelize: Sequelize;
  clock: Clock;
  /** Invariant 3: mirror passwords, e-mails and flags into the legacy twin (FU_LEGACY_WRITE_BACK). */
  writeBack: boolean;
}

/**
 * Phase 1 store: users live in `fu_users`, each linked to a legacy `users` twin. The twin is always
 * created and deleted with the user (it carries the integer id of the legacy contract and owns the
 * user's contacts); with write-back on, every other change is mirrored into it too.
 */
export function createSplitUserStore({
  sequelize,
  clock,
  writeBack,
}: SplitUserStoreOptions): UserStore {
  const mirror = createLegacyMirror({ sequelize, clock, writeBack });

  const select = createUserSelect<FuUserRow>(sequelize, `${COLUMNS} FROM fu_users`, toFuUser);
  const read = createPreparedRead(sequelize);
  const byKey = createUserByKey<FuUserRow>(read, `${COLUMNS} FROM fu_users`, toFuUser);
  const claims = createAddressClaims(sequelize, (email, t) => store.emailTaken(email, t));

  const store: UserStore = {
    kind: 'fu_users',
    legacyPasswordMirror: writeBack,
    // A registration racing the cutover's triggers can be a deadlock victim: it simply runs again.
    transaction: (work) => transactionWithRetry(sequelize, work),

    getById: (id, transaction) => byKey('id = $1', id, transaction),
    getByEmail: (email, transaction) => select(sameAddress('email'), { email }, transaction),
    getByLegacyId: (legacyUserId, transaction) =>
      byKey('legacy_user_id = $1', legacyUserId, transaction),
    getLegacyAccount: createLegacyAccountRead<FuUserRow>(
      read,
      `${COLUMNS} FROM fu_users`,
      toFuUser,
    ),
    getByAccessToken: createAccessTokenRead<FuUserRow>(
      read,
      COLUMNS,
      'fu_users ON fu_users.id = t.user_id',
      toFuUser,
    ),

    async list(limit, offset, transaction) {
      const rows = await sequelize.query<FuUserRow>(
        `SELECT ${COLUMNS} FROM fu_users ORDER BY authshift_canonical_email(email), id LIMIT $limit OFFSET $offset`,
        { bind: { limit, offset }, transaction, type: QueryTypes.SELECT },
      );
      return rows.map(toFuUser);
    },

    // A legacy row counts whether or not it has a twin: with write-back off a twin keeps the
    // address its owner had (and logs in with it on the legacy engine).
    async emailTaken(email, transaction) {
      const [row] = await sequelize.query<{ taken: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM fu_users WHERE ${sameAddress('email')})
             OR EXISTS (SELECT 1 FROM users WHERE ${sameAddress('email')}) AS taken`,
        { bind: { email }, transaction, type: QueryTypes.SELECT },
      );
      return row?.taken === true;
    },

    async legacyHolders(email, transaction) {
      const rows = await sequelize.query<Parameters<typeof legacyHolder>[0]>(
        `SELECT u.*, NOT EXISTS (SELECT 1 FROM ${LEGACY_ONLY_USERS_VIEW} l WHERE l.id = u.id) AS linked
           FROM users u WHERE ${sameAddress('u.email')} ORDER BY u.created_at, u.id`,
        { bind: { email }, transaction, type: QueryTypes.SELECT },
      );
      return rows.map(legacyHolder);
    },

    async importLegacy(candidate, hashedPassword, transaction) {
      const now = clock.now();
      // ON CONFLICT without a target covers the legacy link (a concurrent import) and the e-mail
      // index (another user holds the address canonically) without aborting the transaction.
      // Only while the legacy row still has the hash that was verified (locked until commit): a
      // legacy password change that committed since must not be undone by the old password.
      const [row] = await sequelize.query<FuUserRow>(
        `INSERT INTO fu_users (${COLUMNS}, created_at, updated_at)
         SELECT $id, $email, $hash, $active, $superuser, $verified, $legacyUserId, $now, $now
           FROM users u
          WHERE u.id = $legacyUserId AND u.hashed_password IS NOT DISTINCT FROM $legacyHash
            FOR SHARE
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
        {
          bind: {
            legacyHash: candidate.hashedPassword,
            id: randomUUID(),
            email: candidate.email,
            hash: hashedPassword,
            active: candidate.isActive,
            superuser: candidate.isSuperuser,
            verified: candidate.isVerified,
            legacyUserId: candidate.legacyUserId,
            now,
          },
          transaction,
          type: QueryTypes.SELECT,
        },
      );
      if (row) return toFuUser(row);
      return store.getByLegacyId(candidate.legacyUserId, transaction);
    },

    create: (user, transaction) =>
      withAddress(store, claims, user.email, transaction, async (transaction) => {
        const legacyUserId = await mirror.createTwin(user, transaction);
        const [row] = await sequelize.query<FuUserRow>(
          `INSERT INTO fu_users (${COLUMNS}, created_at, updated_at)
           VALUES ($id, $email, $hash, $active, $superuser, $verified, $legacyUserId, $now, $now)
           RETURNING ${COLUMNS}`,
          {
            bind: {
              id: randomUUID(),
              email: user.email,
              hash: user.hashedPassword,
              active: user.isActive,
              superuser: user.isSuperuser,
              verified: user.isVerified,
              legacyUserId,
              now: clock.now(),
            },
            transaction,
            type: QueryTypes.SELECT,
          },
        );
        return toFuUser(row!);
      }),

    update: (user, changes, transaction) =>
      withAddress(store, claims, newAddress(user, changes), transaction, async (transaction) => {
        const updated = await updateRow(user, changes, transaction);
        if (updated === user && changes.ifHashedPassword !== undefined) return user;
        if (user.legacyUserId !== null)
          await mirror.applyChanges(user.legacyUserId, changes, transaction);
        return updated;
      }),

    async delete(user, transaction) {
      await sequelize.query('DELETE FROM fu_users WHERE id = $id', {
        bind: { id: user.id },
        transaction,
      });
      if (user.legacyUserId !== null) await mirror.deleteTwin(user.legacyUserId, transaction);
    },

    async followLegacyPassword(legacyUserId, legacyHash, transaction) {
      await sequelize.query(
        'UPDATE fu_users SET hashed_password = $hash, updated_at = $now WHERE legacy_user_id = $legacyUserId',
        { bind: { hash: legacyHash, now: clock.now(), legacyUserId }, transaction },
      );
    },

    async touchLogin(user, transaction) {
      if (user.legacyUserId !== null) await mirror.touchLogin(user.legacyUserId, transaction);
    },
  };

  async function updateRow(
    user: FuUser,
    changes: FuUserChanges,
    transaction?: Transaction,
  ): Promise<FuUser> {
    const columns: Record<string, unknown> = {
      email: changes.email,
      hashed_password: changes.hashedPassword,
      is_active: changes.isActive,
      is_superuser: changes.isSuperuser,
      is_verified: changes.isVerified,
    };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    if (set.length === 0) return user;
    const expected = changes.ifHashedPassword;
    const [row] = await sequelize.query<FuUserRow>(
      `UPDATE fu_users SET ${set.map(([column]) => `${column} = $${column}`).join(', ')},
              updated_at = $now
        WHERE id = $id ${expected === undefined ? '' : 'AND hashed_password = $expected'}
        RETURNING ${COLUMNS}`,
      {
        bind: {
          ...Object.fromEntries(set),
          now: clock.now(),
          id: user.id,
          ...(expected === undefined ? {} : { expected }),
        },
        transaction,
        type: QueryTypes.SELECT,
      },
    );
    return row ? toFuUser(row) : user;
  }

  return store;
}
