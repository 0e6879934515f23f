import { QueryTypes, type Transaction } from 'sequelize';
import { createPreparedRead } from '../db/prepared-reads.js';
import type { Clock } from '../lib/clock.js';
import type { Models } from '../db/models/index.js';
import type { LegacyUserRecord } from './legacy-user.js';

export interface NewLegacyUser {
  email: string;
  fullName: string | null;
  hashedPassword: string | null;
  isActive?: boolean;
  role?: string;
  emailConfirmedAt?: Date | null;
}

export type LegacyUserRepository = ReturnType<typeof createLegacyUserRepository>;

export interface LegacyUserRow {
  id: number;
  email: string;
  full_name: string | null;
  hashed_password: string | null;
  is_active: number | boolean | string | null;
  role: string;
  email_confirmed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

export function toLegacyUserRecord(row: LegacyUserRow): LegacyUserRecord {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    hashedPassword: row.hashed_password,
    isActive: row.is_active === true || Number(row.is_active) === 1,
    role: row.role,
    emailConfirmedAt: row.email_confirmed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/** Data access for the legacy `users` table; returns plain records, never model instances. */
/** The model's columns: what `findByPk(…, { raw: true })` selected. */
export const LEGACY_USER_COLUMNS = [
  'id',
  'email',
  'full_name',
  'hashed_password',
  'is_active',
  'role',
  'email_confirmed_at',
  'created_at',
  'updated_at',
  'last_login_at',
] as const;
const BY_ID = `SELECT ${LEGACY_USER_COLUMNS.join(', ')} FROM users WHERE id = $1`;

export function createLegacyUserRepository({ models, clock }: { models: Models; clock: Clock }) {
  const { LegacyUser } = models;
  const sequelize = LegacyUser.sequelize!;
  const read = createPreparedRead(sequelize);
  const one = (row: object | null) => (row ? toLegacyUserRecord(row as LegacyUserRow) : null);

  /** Works on SMALLINT (phase 0) and BOOLEAN (consolidated) columns alike: '1'/'0' literals fit both. */
  async function setActive(id: number, active: boolean, transaction?: Transaction): Promise<void> {
    await sequelize.query(
      'UPDATE users SET is_active = :active, updated_at = :now WHERE id = :id',
      {
        replacements: { active: active ? '1' : '0', now: clock.now(), id },
        transaction,
        type: QueryTypes.UPDATE,
      },
    );
  }

  return {
    setActive,

    async findById(id: number, transaction?: Transaction): Promise<LegacyUserRecord | null> {
      // Every authenticated request reads its account by id: a prepared statement.
      const [row] = await read<LegacyUserRow>(BY_ID, [id], transaction);
      return one(row ?? null);
    },

    /** Exact-case match: the legacy table is unique case-sensitively and clients rely on it. */
    async findByEmailExact(
      email: string,
      transaction?: Transaction,
    ): Promise<LegacyUserRecord | null> {
      return one(await LegacyUser.findOne({ where: { email }, transaction, raw: true }));
    },

    async create(user: NewLegacyUser, transaction?: Transaction): Promise<LegacyUserRecord> {
      const now = clock.now();
      // is_active is left to the column default (1 or true), so this works in every phase.
      const row = await LegacyUser.create(
        {
          email: user.email,
          full_name: user.fullName,
          hashed_password: user.hashedPassword,
          role: user.role ?? 'user',
          email_confirmed_at: user.emailConfirmedAt ?? null,
          created_at: now,
          updated_at: now,
          last_login_at: null,
        },
        { transaction },
      );
      const id = row.get('id');
      if (user.isActive === false) await setActive(id, false, transaction);
      return toLegacyUserRecord({
        ...(row.get({ plain: true }) as LegacyUserRow),
        is_active: user.isActive !== false,
      });
    },

    async setPassword(
      id: number,
      hashedPassword: string,
      transaction?: Transaction,
    ): Promise<void> {
      await LegacyUser.update(
        { hashed_password: hashedPassword, updated_at: clock.now() },
        { where: { id }, transaction },
      );
    },

    async touchLastLogin(id: number, transaction?: Transaction): Promise<void> {
      await LegacyUser.update({ last_login_at: clock.now() }, { where: { id }, transaction });
    },

    async list(
      limit: number,
      offset: number,
    ): Promise<{ users: LegacyUserRecord[]; total: number }> {
      const { rows, count } = await LegacyUser.findAndCountAll({
        order: [['id', 'ASC']],
        limit,
        offset,
        raw: true,
      });
      return {
        users: rows.map((row) => toLegacyUserRecord(row as unknown as LegacyUserRow)),
        total: count,
      };
    },
  };
}
