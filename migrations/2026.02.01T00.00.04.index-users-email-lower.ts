import type { Migration } from '../src/db/migrator.js';

/**
 * The new engine looks legacy users up case-insensitively (lazy migration, duplicate checks).
 * Not unique: the legacy table may hold addresses that differ only by case (a legacy quirk).
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`CREATE INDEX users_email_lower_idx ON users (lower(email))`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP INDEX users_email_lower_idx`);
};
