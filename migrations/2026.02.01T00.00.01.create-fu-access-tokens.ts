import type { Migration } from '../src/db/migrator.js';

/**
 * The database strategy's tokens (fastapi-users `accesstoken`): 43-character opaque tokens, one row
 * per cookie login, removed with their user.
 * @see https://github.com/fastapi-users/fastapi-users-db-sqlalchemy/blob/main/fastapi_users_db_sqlalchemy/access_token.py
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE fu_access_tokens (
      token      VARCHAR(43) PRIMARY KEY,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      user_id    UUID NOT NULL REFERENCES fu_users(id) ON DELETE CASCADE
    )`);
  await query(`CREATE INDEX fu_access_tokens_created_at_idx ON fu_access_tokens (created_at)`);
  // The cascade from fu_users deletes by user_id; without an index that is a scan per deletion.
  await query(`CREATE INDEX fu_access_tokens_user_id_idx ON fu_access_tokens (user_id)`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE fu_access_tokens`);
};
