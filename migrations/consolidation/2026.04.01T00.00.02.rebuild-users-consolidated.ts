import { batchSizeOf } from '../../src/consolidation/keyset-batches.js';
import { prepareRebuild, runRebuild } from '../../src/consolidation/online-rebuild.js';
import { syncBackToFuUsers } from '../../src/consolidation/sync-back.js';
import { CONSOLIDATED, LEGACY } from '../../src/consolidation/users-shapes.js';
import type { Migration, MigrationContext } from '../../src/db/migrator.js';

/** Its batches commit one by one (resumable), so umzug must not wrap it in one transaction. */
export const transactional = false;

const optionsOf = ({ params, log }: MigrationContext) => ({
  batchSize: batchSizeOf(params),
  report: ({ job, done, total }: { job: string; done: number; total: number }) =>
    log(`${job}: ${done}/${total}`),
  log,
  lockTimeoutMs: Number(params.swapLockTimeoutMs ?? 500),
  swapAttempts: Number(params.swapAttempts ?? 20),
});

/**
 * Consolidation in one pass over `users` while both engines keep serving: every row is copied
 * once into the shadow in its phase-2 shape (the `fu_users` twin's UUID, flags and hash merged
 * in, `is_active` boolean), indexes are built once, the changes written meanwhile are replayed,
 * source and copy are compared (count and hash of every column, one snapshot), and the copy is
 * swapped in under a lock held for milliseconds. Resumable at every step; idempotent.
 *
 * `down` first copies back into `fu_users` everything written to `users` since (no account and no
 * password change is lost), then rebuilds `users` the same way into its phase-1 shape.
 */
export const up: Migration = async ({ context }) => {
  await runRebuild(context.sequelize, CONSOLIDATED, optionsOf(context));
};

export const down: Migration = async ({ context }) => {
  const { sequelize, params, log } = context;
  await syncBackToFuUsers(sequelize, batchSizeOf(params), ({ job, done, total }) =>
    log(`${job}: ${done}/${total}`),
  );
  await prepareRebuild(sequelize, LEGACY, optionsOf(context));
  await runRebuild(sequelize, LEGACY, optionsOf(context));
};
