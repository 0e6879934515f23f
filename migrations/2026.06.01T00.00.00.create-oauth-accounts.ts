import type { Migration } from '../src/db/migrator.js';

/**
 * Accounts at OAuth / OpenID Connect providers linked to a user (fastapi-users-db-sqlalchemy's
 * `oauth_account`, same columns and sizes). One provider account belongs to one user: the unique
 * key refuses a second link (upstream has none, and would let one login reach two accounts).
 * The user key follows the one cookie tokens use: `fu_users(id)` before consolidation, the
 * consolidated `users(uuid)` when this runs on a database that was already cut over; then the
 * consolidation step that moves the key (migrations/consolidation/…oauth-accounts-reference-users)
 * is recorded as done, so a rollback moves it back to `fu_users`.
 * @see https://github.com/fastapi-users/fastapi-users-db-sqlalchemy/blob/main/fastapi_users_db_sqlalchemy/__init__.py
 */
const CONSOLIDATION_STEP = '2026.06.01T00.00.00.oauth-accounts-reference-users';

export const up: Migration = async ({ context: { query } }) => {
  const [target] = await query<{ target: string }>(`
    SELECT confrelid::regclass::text AS target FROM pg_constraint
     WHERE conname = 'fu_access_tokens_user_id_fkey' AND conrelid = 'fu_access_tokens'::regclass`);
  const users = target?.target === 'users' ? 'users (uuid)' : 'fu_users (id)';
  await query(`
    CREATE TABLE oauth_accounts (
      id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      oauth_name    VARCHAR(100)  NOT NULL,
      access_token  VARCHAR(1024) NOT NULL,
      expires_at    INTEGER,
      refresh_token VARCHAR(1024),
      account_id    VARCHAR(320)  NOT NULL,
      account_email VARCHAR(320)  NOT NULL,
      user_id       UUID NOT NULL,
      CONSTRAINT oauth_accounts_user_id_fkey
        FOREIGN KEY (user_id) REFERENCES ${users} ON DELETE CASCADE,
      CONSTRAINT oauth_accounts_provider_account_key UNIQUE (oauth_name, account_id)
    )`);
  await query(`CREATE INDEX oauth_accounts_account_id_idx ON oauth_accounts (account_id)`);
  // The cascade from the user table deletes by user_id; without an index that is a scan each.
  await query(`CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id)`);
  if (target?.target === 'users')
    await query(`INSERT INTO consolidation_meta (name) VALUES (:step) ON CONFLICT DO NOTHING`, {
      step: CONSOLIDATION_STEP,
    });
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE oauth_accounts`);
  // Without the table, the consolidation step has nothing to move back on a rollback.
  const [meta] = await query<{ present: boolean }>(
    `SELECT to_regclass('consolidation_meta') IS NOT NULL AS present`,
  );
  if (meta?.present)
    await query(`DELETE FROM consolidation_meta WHERE name = :step`, { step: CONSOLIDATION_STEP });
};
