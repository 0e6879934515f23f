import type { Migration } from '../src/db/migrator.js';

/**
 * The new engine's user table in phase 1 (docs/design/design.md, data model): fastapi-users-db-sqlalchemy's
 * `user` columns, plus the link to the legacy row. One person, one UUID (invariant 1): the legacy
 * twin is `legacy_user_id`, and deleting the legacy row deletes this one too.
 * Case-insensitive uniqueness is enforced by the index, not only by the application's lookup as
 * upstream does, so two registrations racing with different case cannot both succeed.
 * @see https://github.com/fastapi-users/fastapi-users-db-sqlalchemy/blob/main/fastapi_users_db_sqlalchemy/__init__.py
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE fu_users (
      id              UUID PRIMARY KEY,
      email           VARCHAR(320) NOT NULL,
      hashed_password VARCHAR(1024) NOT NULL,
      is_active       BOOLEAN NOT NULL,
      is_superuser    BOOLEAN NOT NULL,
      is_verified     BOOLEAN NOT NULL,
      legacy_user_id  INT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
      created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
  await query(`CREATE UNIQUE INDEX fu_users_email_lower_key ON fu_users (lower(email))`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE fu_users`);
};
