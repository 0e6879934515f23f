import type { Migration } from '../src/db/migrator.js';

/**
 * Run-time settings every monolith instance follows without a restart: for now only
 * `user_store`, the table the new engine reads and writes (`fu_users` in phase 1, the consolidated
 * `users` in phase 2). A trigger notifies `authshift_settings` on every change, so instances
 * follow within a second; they also re-read periodically in case a NOTIFY is lost.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE TABLE app_settings (
      key        VARCHAR(64) PRIMARY KEY,
      value      TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_by TEXT NOT NULL,
      CONSTRAINT app_settings_user_store_check
        CHECK (key <> 'user_store' OR value IN ('fu_users', 'users'))
    )`);
  await query(`
    CREATE FUNCTION authshift_settings_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('authshift_settings', NEW.key);
      RETURN NULL;
    END $$`);
  await query(`
    CREATE TRIGGER app_settings_notify AFTER INSERT OR UPDATE ON app_settings
    FOR EACH ROW EXECUTE FUNCTION authshift_settings_notify()`);
  await query(
    `INSERT INTO app_settings (key, value, updated_by) VALUES ('user_store', 'fu_users', 'migration')`,
  );
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TABLE app_settings`);
  await query(`DROP FUNCTION authshift_settings_notify()`);
};
