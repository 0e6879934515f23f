import { discardRebuild, prepareRebuild } from '../../src/consolidation/online-rebuild.js';
import { CONSOLIDATED } from '../../src/consolidation/users-shapes.js';
import type { Migration } from '../../src/db/migrator.js';

/** It retries on lock timeouts, each attempt its own transaction. */
export const transactional = false;

/**
 * The start of the online rebuild of `users` into its phase-2 shape (src/consolidation/
 * online-rebuild.ts): an empty shadow table with the consolidated columns, and capture triggers
 * on `users` and `fu_users` that log every row written from now on, so the copy in the next step
 * misses nothing. One short transaction (retried while long transactions hold `users`); `down` discards an unfinished rebuild (after the swap
 * there is nothing left to discard: the next step's `down` rebuilds the other way).
 */
export const up: Migration = async ({ context: { sequelize, params } }) => {
  await prepareRebuild(sequelize, CONSOLIDATED, {
    lockTimeoutMs: Number(params.swapLockTimeoutMs ?? 500),
    swapAttempts: Number(params.swapAttempts ?? 20),
  });
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await discardRebuild(sequelize, CONSOLIDATED);
};
