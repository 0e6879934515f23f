import type { Migration } from '../src/db/migrator.js';

/**
 * Sessions of the legacy facade (`/fu_auth/legacy/*`). Keyed by the legacy integer id, because the
 * facade speaks the legacy contract and must also serve an account that has no `fu_users` row
 * (an e-mail that differs only by case from another account's cannot get one).
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE fu_facade_sessions (
      token          VARCHAR(43) PRIMARY KEY,
      legacy_user_id INT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at     TIMESTAMPTZ NOT NULL,
      expires_at     TIMESTAMPTZ NOT NULL
    )`);
  await query(`CREATE INDEX fu_facade_sessions_expires_at_idx ON fu_facade_sessions (expires_at)`);
  await query(
    `CREATE INDEX fu_facade_sessions_legacy_user_id_idx ON fu_facade_sessions (legacy_user_id)`,
  );
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE fu_facade_sessions`);
};
