import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  ANY_TWIN_DIFFERS,
  LEGACY_ACTIVE,
  LEGACY_SUPERUSER,
  LEGACY_VERIFIED,
  TWIN_DIFFERS,
  TWIN_FIELDS,
  type TwinField,
} from './twin-fields.js';

export interface TwinSide {
  email: string;
  active: boolean;
  superuser: boolean;
  verified: boolean;
  /** The stored hash; never printed. */
  hash: string | null;
}

export interface DriftedTwin {
  legacyId: number;
  fuId: string;
  legacy: TwinSide;
  fu: TwinSide;
  differs: TwinField[];
}

type Row = Record<string, unknown> & { legacy_id: number; fu_id: string };

/** True while `users` has its phase-1 shape (twins exist only then; phase 2 has one table). */
export async function twinsExist(
  sequelize: Sequelize,
  transaction?: Transaction,
): Promise<boolean> {
  const [row] = await sequelize.query<{ consolidated: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = 'users'
                       AND column_name = 'uuid') AS consolidated`,
    { type: QueryTypes.SELECT, transaction },
  );
  return !row?.consolidated;
}

/** Every twin pair that disagrees on some field (at most `limit`), with what differs. */
export async function findDriftedTwins(
  sequelize: Sequelize,
  options: { limit?: number; transaction?: Transaction } = {},
): Promise<DriftedTwin[]> {
  if (!(await twinsExist(sequelize, options.transaction))) return [];
  const flags = TWIN_FIELDS.map((field) => `${TWIN_DIFFERS[field]} AS "differs_${field}"`);
  const rows = await sequelize.query<Row>(
    `SELECT u.id AS legacy_id, f.id::text AS fu_id,
            u.email AS u_email, ${LEGACY_ACTIVE} AS u_active, ${LEGACY_SUPERUSER} AS u_superuser,
            ${LEGACY_VERIFIED} AS u_verified, u.hashed_password AS u_hash,
            f.email AS f_email, f.is_active AS f_active, f.is_superuser AS f_superuser,
            f.is_verified AS f_verified, f.hashed_password AS f_hash, ${flags.join(', ')}
       FROM fu_users f JOIN users u ON u.id = f.legacy_user_id
      WHERE ${ANY_TWIN_DIFFERS}
      ORDER BY u.id ${options.limit ? `LIMIT ${Math.floor(options.limit)}` : ''}`,
    { type: QueryTypes.SELECT, transaction: options.transaction },
  );
  return rows.map(toDrifted);
}

function side(row: Row, prefix: 'u' | 'f'): TwinSide {
  return {
    email: String(row[`${prefix}_email`]),
    active: row[`${prefix}_active`] === true,
    superuser: row[`${prefix}_superuser`] === true,
    verified: row[`${prefix}_verified`] === true,
    hash: (row[`${prefix}_hash`] as string | null) ?? null,
  };
}

function toDrifted(row: Row): DriftedTwin {
  return {
    legacyId: row.legacy_id,
    fuId: row.fu_id,
    legacy: side(row, 'u'),
    fu: side(row, 'f'),
    differs: TWIN_FIELDS.filter((field) => row[`differs_${field}`] === true),
  };
}

/** One line per pair, naming the fields (never a hash). */
export function describeDrift(twin: DriftedTwin): string {
  const show: Record<TwinField, (s: TwinSide) => string> = {
    email: (s) => s.email,
    active: (s) => String(s.active),
    superuser: (s) => String(s.superuser),
    verified: (s) => String(s.verified),
    password: (s) => hashFormat(s.hash),
  };
  const fields = twin.differs.map(
    (f) => `${f} users=${show[f](twin.legacy)} fu_users=${show[f](twin.fu)}`,
  );
  return `id=${twin.legacyId} (${twin.fuId}): ${fields.join('; ')}`;
}

/** The scheme of a stored hash, for messages (the hash itself is never shown). */
export function hashFormat(hash: string | null): string {
  if (!hash) return 'none';
  if (/^\$2[abxy]\$/.test(hash)) return 'bcrypt';
  if (hash.startsWith('$pbkdf2-sha256$')) return 'pbkdf2_sha256';
  if (hash.startsWith('$argon2')) return 'argon2';
  return 'other';
}
