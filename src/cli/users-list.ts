import { QueryTypes, type Sequelize } from 'sequelize';
import { UsageError } from '../lib/cli/cli-error.js';
import { twinsExist } from '../twins/twin-drift.js';

/**
 * `users list`: every account as both engines see it, and which table that is. Phase 1: each
 * legacy `users` row beside its `fu_users` twin (or "legacy-only"), then `fu_users` rows without
 * a twin. Phase 2: the consolidated `users` table.
 */
function count(
  value: string | boolean | undefined,
  name: string,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min)
    throw new UsageError(
      `--${name} must be a whole number of ${min} or more, got "${String(value)}"`,
    );
  return n;
}

const flag = (on: unknown, name: string) => (on === true ? name : `not-${name}`);

type Select = (sql: string) => Promise<Record<string, unknown>[]>;
interface Page {
  limit: number;
  offset: number;
  total: unknown;
}

export async function listUsers(
  sequelize: Sequelize,
  options: { limit?: string | boolean; offset?: string | boolean },
  print: (line: string) => void,
): Promise<void> {
  const limits = {
    limit: count(options.limit, 'limit', 100, 1),
    offset: count(options.offset, 'offset', 0, 0),
  };
  const select: Select = (sql) =>
    sequelize.query<Record<string, unknown>>(sql, {
      type: QueryTypes.SELECT,
      replacements: limits,
    });
  const [{ n: total } = { n: 0 }] = await select('SELECT count(*)::int AS n FROM users');
  const page = { ...limits, total };
  if (await twinsExist(sequelize)) await listTwins(select, page, print);
  else await listConsolidated(select, page, print);
}

async function listConsolidated(select: Select, page: Page, print: (line: string) => void) {
  print('phase 2: the consolidated users table (one row per account, both engines)');
  const rows = await select(
    `SELECT id, uuid, email, is_active, role, is_superuser, is_verified FROM users ORDER BY id LIMIT :limit OFFSET :offset`,
  );
  for (const r of rows)
    print(
      `id=${r.id} ${r.uuid} ${r.email}  ${flag(r.is_active, 'active')} role=${r.role} ${flag(r.is_superuser, 'superuser')} ${flag(r.is_verified, 'verified')}`,
    );
  print(`${rows.length} of ${page.total} account(s) from offset ${page.offset}`);
}

async function listTwins(select: Select, page: Page, print: (line: string) => void) {
  print(
    'phase 1: users (legacy engine) | its fu_users twin (new engine), then fu_users rows without a twin',
  );
  const rows = await select(
    `SELECT u.id, u.email, u.is_active::text IN ('1', 'true') AS active, u.role,
            u.email_confirmed_at IS NOT NULL AS confirmed,
            f.id AS fu_id, f.email AS fu_email, f.is_active AS fu_active, f.is_superuser, f.is_verified
       FROM users u LEFT JOIN fu_users f ON f.legacy_user_id = u.id
      ORDER BY u.id LIMIT :limit OFFSET :offset`,
  );
  for (const r of rows) {
    const legacy = `users id=${r.id} ${r.email} ${flag(r.active, 'active')} role=${r.role} ${flag(r.confirmed, 'confirmed')}`;
    const twin = r.fu_id
      ? `fu_users ${r.fu_id} ${r.fu_email} ${flag(r.fu_active, 'active')} ${flag(r.is_superuser, 'superuser')} ${flag(r.is_verified, 'verified')}`
      : 'legacy-only (no fu_users row yet)';
    print(`${legacy} | ${twin}`);
  }
  const orphans = await select(
    `SELECT id, email FROM fu_users WHERE legacy_user_id IS NULL ORDER BY email LIMIT 50`,
  );
  for (const o of orphans) print(`(no users twin) | fu_users ${o.id} ${o.email}`);
  print(
    `${rows.length} of ${page.total} users row(s) from offset ${page.offset}${orphans.length ? `; ${orphans.length} fu_users row(s) without a twin` : ''}`,
  );
}
