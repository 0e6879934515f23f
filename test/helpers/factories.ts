import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { QueryTypes, type Sequelize } from 'sequelize';
import { hashPbkdf2Sha256 } from '../../src/passwords/pbkdf2-sha256.js';

export function uniqueEmail(prefix = 'user', domain = 'example.com'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}@${domain}`;
}

export type LegacyHashKind =
  'bcrypt-2b' | 'bcrypt-2a' | 'bcrypt-2y' | 'pbkdf2_sha256' | 'none' | 'unknown';

/** Makes a stored hash exactly as the legacy system (passlib) would have written it. */
export async function legacyHash(password: string, kind: LegacyHashKind): Promise<string | null> {
  switch (kind) {
    case 'bcrypt-2b':
      return bcrypt.hash(password, 4);
    case 'bcrypt-2a':
      return (await bcrypt.hash(password, 4)).replace(/^\$2b\$/, '$2a$');
    case 'bcrypt-2y':
      return (await bcrypt.hash(password, 4)).replace(/^\$2b\$/, '$2y$');
    case 'pbkdf2_sha256':
      return hashPbkdf2Sha256(password, 1000);
    case 'none':
      return null;
    case 'unknown':
      return '!DISABLED!';
  }
}

export interface LegacyUserFixture {
  id: number;
  email: string;
  password: string;
  role: string;
  fullName: string | null;
}

/**
 * Inserts a legacy `users` row with plain SQL, as the old system left it. Works in every phase
 * ('1'/'0' fit SMALLINT and BOOLEAN alike).
 */
export async function createLegacyUser(
  sequelize: Sequelize,
  options: {
    email?: string;
    password?: string;
    hash?: LegacyHashKind;
    active?: boolean;
    role?: string;
    fullName?: string | null;
  } = {},
): Promise<LegacyUserFixture> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const role = options.role ?? 'user';
  const fullName = options.fullName === undefined ? 'Test User' : options.fullName;
  const [row] = await sequelize.query<{ id: number }>(
    `INSERT INTO users (email, full_name, hashed_password, is_active, role)
     VALUES (:email, :fullName, :hash, :active, :role) RETURNING id`,
    {
      type: QueryTypes.SELECT,
      replacements: {
        email,
        fullName,
        hash: await legacyHash(password, options.hash ?? 'bcrypt-2b'),
        active: options.active === false ? '0' : '1',
        role,
      },
    },
  );
  return { id: row!.id, email, password, role, fullName };
}
