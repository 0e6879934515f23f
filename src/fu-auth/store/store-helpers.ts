import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { PreparedRead } from '../../db/prepared-reads.js';
import type { AddressClaims } from '../../users/address-claim.js';
import {
  LEGACY_USER_COLUMNS,
  toLegacyUserRecord,
  type LegacyUserRow,
} from '../../users/legacy-user-repository.js';
import {
  EmailConflictError,
  type FuUser,
  type FuUserChanges,
  type UserStore,
} from './user-store.js';

/** Both stores' unique e-mail indexes mean the same thing to callers: the e-mail is taken. */
export async function guardEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new EmailConflictError(error);
    throw error;
  }
}

/**
 * A write that gives a user `email` (undefined: no new address), run so that no other account
 * can get the same canonical address meanwhile: in the caller's transaction (or a new one), the
 * address is claimed first (see users/address-claim.ts), and taken means EmailConflictError.
 */
export async function withAddress<T>(
  store: Pick<UserStore, 'transaction'>,
  claims: AddressClaims,
  email: string | undefined,
  transaction: Transaction | undefined,
  work: (transaction: Transaction | undefined) => Promise<T>,
): Promise<T> {
  if (email === undefined) return guardEmail(() => work(transaction));
  const run = async (t: Transaction) => {
    if ((await claims.claim(email, t)) === 'taken') throw new EmailConflictError();
    return guardEmail(() => work(t));
  };
  return transaction ? run(transaction) : store.transaction(run);
}

/** The address an update gives the user, if it gives a different one. */
export const newAddress = (user: FuUser, changes: FuUserChanges): string | undefined =>
  changes.email !== undefined && changes.email !== user.email ? changes.email : undefined;

/**
 * `SELECT <columns> FROM <table> WHERE <key> = $1 LIMIT 1` as a prepared statement: the reads by
 * id every authenticated request makes (src/db/prepared-reads.ts).
 */
export function createUserByKey<Row extends object>(
  read: PreparedRead,
  from: string,
  toFuUser: (row: Row) => FuUser,
) {
  return async function byKey(
    where: string,
    value: unknown,
    transaction?: Transaction,
  ): Promise<FuUser | null> {
    const [row] = await read<Row>(`SELECT ${from} WHERE ${where} LIMIT 1`, [value], transaction);
    return row ? toFuUser(row) : null;
  };
}

/** `SELECT <columns> FROM <table> WHERE … LIMIT 1`, mapped to a FuUser: each store's other reads. */
export function createUserSelect<Row extends object>(
  sequelize: Sequelize,
  from: string,
  toFuUser: (row: Row) => FuUser,
) {
  return async function select(
    where: string,
    values: Record<string, unknown>,
    transaction?: Transaction,
  ): Promise<FuUser | null> {
    const [row] = await sequelize.query<Row>(`SELECT ${from} WHERE ${where} LIMIT 1`, {
      bind: values,
      transaction,
      type: QueryTypes.SELECT,
    });
    return row ? toFuUser(row) : null;
  };
}

/**
 * `getLegacyAccount` for a store whose users are `SELECT <userColumns>` (the store's own row
 * shape, with `legacy_user_id`): the legacy row and its user come back in one prepared statement,
 * the user as `to_json` of that shape (null when the legacy row has none).
 */
export function createLegacyAccountRead<Row extends object>(
  read: PreparedRead,
  userColumns: string,
  toFuUser: (row: Row) => FuUser,
): UserStore['getLegacyAccount'] {
  const text = `SELECT ${LEGACY_USER_COLUMNS.map((c) => `u.${c}`).join(', ')}, to_json(f) AS fu
    FROM users u LEFT JOIN (SELECT ${userColumns}) f ON f.legacy_user_id = u.id
    WHERE u.id = $1 LIMIT 1`;
  return async (legacyUserId) => {
    const [row] = await read<LegacyUserRow & { fu: Row | null }>(text, [legacyUserId]);
    return row ? { legacy: toLegacyUserRecord(row), user: row.fu ? toFuUser(row.fu) : null } : null;
  };
}

/**
 * `getByAccessToken` of a store: a `fu_access_tokens` row and its user in one prepared read.
 * `userJoin` names the user table and its key, e.g. `users ON users.uuid = t.user_id`.
 */
export function createAccessTokenRead<Row extends object>(
  read: PreparedRead,
  columns: string,
  userJoin: string,
  toFuUser: (row: Row) => FuUser,
): UserStore['getByAccessToken'] {
  const text = `SELECT ${columns} FROM fu_access_tokens t JOIN ${userJoin}
    WHERE t.token = $1 AND t.created_at >= $2 LIMIT 1`;
  return async (token, notBefore) => {
    const [row] = await read<Row>(text, [token, notBefore]);
    return row ? toFuUser(row) : null;
  };
}
