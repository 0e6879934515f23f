import type { Migration } from '../src/db/migrator.js';

/** connect-pg-simple's table (its table.sql), created here because stores never create tables. */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE session (
      sid    VARCHAR NOT NULL COLLATE "default" PRIMARY KEY,
      sess   JSON NOT NULL,
      expire TIMESTAMP(6) NOT NULL
    )`);
  await query(`CREATE INDEX session_expire_idx ON session (expire)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE session`);
};
