import { fileURLToPath } from 'node:url';
import type { Sequelize } from 'sequelize';
import { LOCK_KEYS } from '../db/advisory-lock.js';
import { createUmzugRunner } from '../db/umzug-runner.js';
import type { Logger } from '../lib/logger.js';

/**
 * Phase 2's migrations live in their own folder with their own umzug instance and meta table:
 * `npm start` and deploys migrate `migrations/` to head, and consolidation must only ever run
 * through `npm run cutover` (after preflight and a snapshot) or come back through `npm run rollback`.
 */
export const CONSOLIDATION_DIR = fileURLToPath(
  new URL('../../migrations/consolidation/', import.meta.url),
);
export const CONSOLIDATION_TABLE = 'consolidation_meta';

export function createConsolidator(deps: {
  sequelize: Sequelize;
  databaseUrl: string;
  logger: Logger;
  params?: Record<string, string>;
  onEvent?: (event: Record<string, unknown>) => void;
  folder?: string;
}) {
  return createUmzugRunner({
    ...deps,
    folder: deps.folder ?? CONSOLIDATION_DIR,
    table: CONSOLIDATION_TABLE,
    lockKey: LOCK_KEYS.consolidation,
  });
}

export type Consolidator = ReturnType<typeof createConsolidator>;
