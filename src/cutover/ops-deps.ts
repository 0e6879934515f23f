import type { Sequelize } from 'sequelize';
import type { Config } from '../config/load-config.js';
import { createConsolidator, type Consolidator } from '../consolidation/consolidator.js';
import { createMigrator } from '../db/migrator.js';
import type { UmzugRunner } from '../db/umzug-runner.js';
import { errorMessage } from '../lib/error-message.js';
import type { Logger } from '../lib/logger.js';
import { createSnapshotKeeper } from '../snapshot/snapshot-keeper.js';

/** What `npm run cutover` and `npm run rollback` run on. */
export interface OpsDeps {
  sequelize: Sequelize;
  databaseUrl: string;
  migrator: UmzugRunner;
  consolidator: Consolidator;
  /** Takes the cutover's automatic snapshot and prunes old automatic ones; returns a detail. */
  snapshot(label: string): Promise<string>;
  snapshotExists(label: string): Promise<boolean>;
  print(line: string): void;
  /** A failure that cannot change the outcome (recording a failure, …): logged, never swallowed. */
  warn(what: string, error: unknown): void;
  smokeUrl: string | null;
  propagationMs: number;
  batchSize: number;
  now(): Date;
  /** Test hook: called before each step with its name (a fault test kills the process here). */
  beforeStep?: (name: string) => Promise<void> | void;
}

/** Built from config by the entry points (and the tests). */
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
  const keeper = createSnapshotKeeper({
    sequelize,
    databaseUrl,
    logger,
    keepAutomatic: config.snapshots.keepAutomatic,
    onNote: (note) => input.print(`  ${note}`),
  });
  return {
    sequelize,
    databaseUrl,
    migrator: createMigrator({ sequelize, databaseUrl, logger }),
    consolidator: createConsolidator({
      sequelize,
      databaseUrl,
      logger,
      params: { batchSize: String(config.cutover.batchSize) },
      onEvent:
        input.onEvent ?? ((e) => input.print(`  ${String(e.event)} ${String(e.name ?? '')}`)),
    }),
    snapshot: (label) => keeper.takeAutomatic(label, 'cutover'),
    snapshotExists: (label) => keeper.exists(label),
    print: input.print,
    warn(what, error) {
      logger.warn({ err: error }, `${what} failed`);
      input.print(`  (warning: ${what} failed: ${errorMessage(error)})`);
    },
    smokeUrl: input.smokeUrl,
    propagationMs: config.cutover.propagationMs,
    batchSize: config.cutover.batchSize,
    now: () => new Date(),
  };
}
