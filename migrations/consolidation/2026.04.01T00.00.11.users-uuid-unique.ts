import type { Migration } from '../../src/db/migrator.js';

/** Built CONCURRENTLY (writes go on), hence outside a transaction; a failed build is retried clean. */
export const transactional = false;

export const up: Migration = async ({ context: { query } }) => {
  await query(`DROP INDEX CONCURRENTLY IF EXISTS users_uuid_key`);
  await query(`CREATE UNIQUE INDEX CONCURRENTLY users_uuid_key ON users (uuid)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP INDEX CONCURRENTLY IF EXISTS users_uuid_key`);
};
