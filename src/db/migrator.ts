import { fileURLToPath } from 'node:url';
import type { Sequelize } from 'sequelize';
import type { Logger } from '../lib/logger.js';
import { LOCK_KEYS } from './advisory-lock.js';
import { createUmzugRunner } from './umzug-runner.js';

export type { Migration, MigrationContext } from './umzug-runner.js';

/** Resolved next to this module, so it works from `src/` (tsx) and from `dist/src/` (compiled). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
export const SEEDERS_DIR = fileURLToPath(new URL('../../seeders/', import.meta.url));

interface RunnerDeps {
  sequelize: Sequelize;
  databaseUrl: string;
  logger: Logger;
  folder?: string;
  params?: Record<string, string>;
  onEvent?: (event: Record<string, unknown>) => void;
}

export function createMigrator(deps: RunnerDeps) {
  return createUmzugRunner({
    ...deps,
    folder: deps.folder ?? MIGRATIONS_DIR,
    table: 'migration_meta',
    lockKey: LOCK_KEYS.migrations,
  });
}

/** The second umzug instance: demo data and the snapshot seeder, with its own storage table. */
export function createSeeder(deps: RunnerDeps) {
  return createUmzugRunner({
    ...deps,
    folder: deps.folder ?? SEEDERS_DIR,
    table: 'seeder_meta',
    lockKey: LOCK_KEYS.seeders,
  });
}
