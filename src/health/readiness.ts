import { readdirSync } from 'node:fs';
import { QueryTypes, type Sequelize } from 'sequelize';
import { MIGRATIONS_DIR } from '../db/migrator.js';
import { migrationName } from '../db/umzug-runner.js';
import { readDatabaseId } from '../lib/pg/database-identity.js';

export interface ReadinessReport {
  ready: boolean;
  checks: { database: 'ok' | 'unreachable'; migrations: 'ok' | 'pending' | 'unknown' };
  pending?: string[];
  /** Which database this instance serves (a fingerprint): `npm run cutover` checks it. */
  database_id?: string;
}

export type Readiness = () => Promise<ReadinessReport>;

/** The migration names this build ships, read once at start-up (the folder never changes at run time). */
export function shippedMigrations(folder = MIGRATIONS_DIR): string[] {
  return readdirSync(folder)
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .map(migrationName)
    .sort();
}

/** Ready = the database answers and every migration this build ships has been applied. */
export function createReadiness(sequelize: Sequelize, expected: readonly string[]): Readiness {
  let databaseId: string | undefined;
  const identity = async () =>
    (databaseId ??= await readDatabaseId((sql) =>
      sequelize.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT }),
    ));
  return async () => {
    let applied: Set<string>;
    let id: string;
    try {
      const rows = await sequelize.query<{ name: string }>(
        `SELECT name FROM migration_meta WHERE to_regclass('migration_meta') IS NOT NULL`,
        { type: QueryTypes.SELECT },
      );
      applied = new Set(rows.map((row) => row.name));
      id = await identity();
    } catch (error) {
      const missingTable = (error as { parent?: { code?: string } }).parent?.code === '42P01';
      if (!missingTable)
        return { ready: false, checks: { database: 'unreachable', migrations: 'unknown' } };
      applied = new Set();
      id = await identity().catch(() => '');
    }
    const pending = expected.filter((name) => !applied.has(name));
    const database_id = id || undefined;
    return pending.length === 0
      ? { ready: true, checks: { database: 'ok', migrations: 'ok' }, database_id }
      : { ready: false, checks: { database: 'ok', migrations: 'pending' }, pending, database_id };
  };
}
