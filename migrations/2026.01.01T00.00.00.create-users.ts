import type { Migration } from '../src/db/migrator.js';

/**
 * The legacy `users` table, exactly as existing clients know it (docs/design/contracts/legacy.md).
 * E-mail uniqueness is case-sensitive on purpose: it is a legacy quirk clients can observe.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE users (
      id                 SERIAL PRIMARY KEY,
      email              VARCHAR(255) NOT NULL UNIQUE,
      full_name          VARCHAR(255) NULL,
      hashed_password    VARCHAR(255) NULL,
      is_active          SMALLINT NOT NULL DEFAULT 1,
      role               VARCHAR(32) NOT NULL DEFAULT 'user',
      email_confirmed_at TIMESTAMPTZ NULL,
      created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
      last_login_at      TIMESTAMPTZ NULL
    )`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE users`);
};
