import { QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../config/load-config.js';
import { createConsolidator } from '../consolidation/consolidator.js';
import { createMigrator, createSeeder } from '../db/migrator.js';
import type { Logger } from '../lib/logger.js';
import { runSnapshotSeeder } from '../snapshot/snapshot-seeder.js';
import type { OpsDeps } from './ops.js';

/** What `npm run cutover` and `npm run rollback` run on, built from config by their entry points. */
export function buildOpsDeps(input: {
  config: Config;
  sequelize: Sequelize;
  databaseUrl: string;
  logger: Logger;
  print: (line: string) => void;
  smokeUrl: string | null;
  onEvent?: (event: Record<string, unknown>) => void;
}): OpsDeps {
  const { sequelize, databaseUrl, logger, config } = input;
  const params = { batchSize: String(config.cutover.batchSize) };
  return {
    sequelize,
    databaseUrl,
    migrator: createMigrator({ sequelize, databaseUrl, logger }),
    consolidator: createConsolidator({
      sequelize,
      databaseUrl,
      logger,
      params,
      onEvent:
        input.onEvent ?? ((e) => input.print(`  ${String(e.event)} ${String(e.name ?? '')}`)),
    }),
    snapshot: (label) =>
      runSnapshotSeeder(
        createSeeder({
          sequelize,
          databaseUrl,
          logger,
          params: { label },
          onEvent: (e) => e.event === 'note' && input.print(`  ${String(e.name)}`),
        }),
        'up',
      ),
    async snapshotExists(label) {
      const rows = await sequelize.query(
        'SELECT 1 FROM authshift_snapshots.manifest WHERE label = :label',
        { replacements: { label }, type: QueryTypes.SELECT },
      );
      return rows.length > 0;
    },
    print: input.print,
    smokeUrl: input.smokeUrl,
    propagationMs: config.cutover.propagationMs,
    batchSize: config.cutover.batchSize,
    now: () => new Date(),
  };
}
