import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { createConsolidator, type Consolidator } from '../../src/consolidation/consolidator.js';
import { createMigrator } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { silentLogger } from '../../src/lib/logger.js';
import { pinTextForm, tableFigures } from '../../src/snapshot/snapshot-sql.js';
import { scratchDatabase } from './database.js';

export interface Phase1Database {
  url: string;
  sequelize: Sequelize;
  consolidator(
    params?: Record<string, string>,
    onEvent?: (e: Record<string, unknown>) => void,
  ): Consolidator;
  drop(): Promise<void>;
}

/** A scratch database migrated to the head of `migrations/` (phase 1), not consolidated. */
export async function phase1Database(): Promise<Phase1Database> {
  const scratch = await scratchDatabase();
  const logger = silentLogger();
  const sequelize = createSequelize({ url: scratch.url, poolMax: 4, logger });
  await createMigrator({ sequelize, databaseUrl: scratch.url, logger }).up();
  return {
    url: scratch.url,
    sequelize,
    consolidator: (params = { batchSize: '50' }, onEvent) =>
      createConsolidator({
        sequelize,
        databaseUrl: scratch.url,
        logger,
        params,
        ...(onEvent ? { onEvent } : {}),
      }),
    async drop() {
      await sequelize.close();
      await scratch.drop();
    },
  };
}

/** Row counts and checksums of every user table, to compare whole states. */
export async function dataFigures(
  sequelize: Sequelize,
  tables = ['users', 'fu_users', 'fu_access_tokens', 'contacts', 'fu_facade_sessions'],
): Promise<Record<string, string>> {
  return sequelize.transaction(async (t) => {
    await pinTextForm(sequelize, t);
    const out: Record<string, string> = {};
    for (const table of tables) {
      const f = await tableFigures(sequelize, table, t);
      out[table] = `${f.rows}:${f.checksum}`;
    }
    return out;
  });
}

export async function count(
  sequelize: Sequelize,
  sql: string,
  replacements: Record<string, unknown> = {},
): Promise<number> {
  const [row] = await sequelize.query<{ n: string }>(sql, {
    type: QueryTypes.SELECT,
    replacements,
  });
  return Number(row?.n ?? 0);
}

/** Every message down the cause chain (umzug wraps a step's error in its own). */
export function errorChain(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as
      { message?: string; cause?: unknown; parent?: { detail?: string } } | undefined;
    e;
    e = e.cause as typeof e
  )
    parts.push(String(e.message), e.parent?.detail ?? '');
  return parts.join(' | ');
}
