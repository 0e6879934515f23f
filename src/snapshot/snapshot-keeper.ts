import type { Sequelize } from 'sequelize';
import { createSeeder } from '../db/migrator.js';
import type { Logger } from '../lib/logger.js';
import type { SnapshotOrigin } from './snapshot-manifest.js';
import { runSnapshotSeeder } from './snapshot-seeder.js';
import { createSnapshotService } from './snapshot-service.js';

/**
 * Automatic snapshots (before a cutover, a dedupe, a reconcile): taken through the snapshot
 * seeder, then retention — the `keepAutomatic` newest automatic snapshots stay, older automatic
 * ones are dropped; manual snapshots are never dropped here (`npm run snapshot -- prune`).
 */
export function createSnapshotKeeper(deps: {
  sequelize: Sequelize;
  databaseUrl: string;
  logger: Logger;
  keepAutomatic: number;
  onNote?: (note: string) => void;
}) {
  const snapshots = createSnapshotService(deps.sequelize);
  return {
    exists: (label: string) => snapshots.exists(label),

    /** Takes the snapshot, prunes, and returns a one-line detail. */
    async takeAutomatic(label: string, origin: Exclude<SnapshotOrigin, 'manual'>): Promise<string> {
      const seeder = createSeeder({
        sequelize: deps.sequelize,
        databaseUrl: deps.databaseUrl,
        logger: deps.logger,
        params: { label, origin },
        onEvent: (e) => e.event === 'note' && deps.onNote?.(String(e.name)),
      });
      await runSnapshotSeeder(seeder, 'up');
      const pruned = await snapshots.prune({
        keep: Math.max(0, deps.keepAutomatic - 1),
        protect: [label],
      });
      return `snapshot ${label}${pruned.length ? `; dropped ${pruned.length} older automatic snapshot(s) beyond the ${deps.keepAutomatic} kept (${pruned.join(', ')})` : ''}`;
    },
  };
}
