import { discardRebuild, prepareRebuild } from '../../src/consolidation/online-rebuild.js';
import { CONSOLIDATED } from '../../src/consolidation/users-shapes.js';
import type { Migration } from '../../src/db/migrator.js';

/**
 * The start of the online rebuild of `users` into its phase-2 shape (src/consolidation/
 * online-rebuild.ts): an empty shadow table with the consolidated columns, and capture triggers
 * on `users` and `fu_users` that log every row written from now on, so the copy in the next step
 * misses nothing. One short transaction; `down` discards an unfinished rebuild (after the swap
 * there is nothing left to discard: the next step's `down` rebuilds the other way).
 */
export const up: Migration = async ({ context: { sequelize, transaction } }) => {
  await prepareRebuild(sequelize, CONSOLIDATED, transaction);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await discardRebuild(sequelize, CONSOLIDATED);
};
