import type { Migration } from '../../src/db/migrator.js';

/**
 * Keeps `is_superuser`/`is_verified` true to `role`/`email_confirmed_at` when something other
 * than the new engine writes a row (the legacy engine's registrations, SQL run by ops): the
 * legacy vocabulary wins when it changes, so both engines always see the same person. The new
 * engine's store writes both at once, and the merge (which sets `authshift.syncing`) is exempt.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(`
    CREATE FUNCTION authshift_users_derive_flags() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('authshift.syncing', true) = 'on' THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'INSERT' THEN
        NEW.is_superuser := NEW.is_superuser OR NEW.role = 'admin';
        NEW.is_verified := NEW.is_verified OR NEW.email_confirmed_at IS NOT NULL;
        RETURN NEW;
      END IF;
      IF NEW.role IS DISTINCT FROM OLD.role THEN
        NEW.is_superuser := NEW.role = 'admin';
      END IF;
      IF (NEW.email_confirmed_at IS NULL) IS DISTINCT FROM (OLD.email_confirmed_at IS NULL) THEN
        NEW.is_verified := NEW.email_confirmed_at IS NOT NULL;
      END IF;
      RETURN NEW;
    END $$`);
  await query(`
    CREATE TRIGGER users_derive_flags BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION authshift_users_derive_flags()`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`DROP TRIGGER users_derive_flags ON users`);
  await query(`DROP FUNCTION authshift_users_derive_flags()`);
};
