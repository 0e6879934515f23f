import type { Migration } from '../../src/db/migrator.js';

/** Every row has its UUID now (fill and merge steps, and the column default for new rows). */
export const up: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ALTER COLUMN uuid SET NOT NULL`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE users ALTER COLUMN uuid DROP NOT NULL`);
};
