/**
 * The two shapes of `users` (docs/design/design.md, data model by phase), as online-rebuild targets:
 * - CONSOLIDATED (phase 2): `uuid` (the `fu_users` id of the twin, a new one otherwise),
 *   `is_verified`, `is_superuser` (the twin's flags, or what `role`/`email_confirmed_at` imply),
 *   `fu_hashed_password` (the new engine's hash), `fu_linked` (the accounts a rollback gives a
 *   `fu_users` row again), boolean `is_active`, e-mail unique by its canonical form
 *   (`authshift_canonical_email`, the one identity), and the sync triggers between the two tables.
 * - LEGACY (phase 1): the table as the legacy engine created it.
 * Columns not named here are copied as they are, so a column added to `users` later survives
 * both directions.
 */
import type { RebuildShape } from './rebuild-shape.js';

/**
 * Keeps `is_superuser`/`is_verified` true to `role`/`email_confirmed_at` when something other
 * than the new engine writes a row (the legacy engine's registrations, SQL run by ops): the
 * legacy vocabulary wins when it changes, so both engines always see the same person. The new
 * engine's store writes both at once, and sync writes (`authshift.syncing`) are exempt.
 */
const DERIVE_FLAGS_FUNCTION = `
  CREATE OR REPLACE FUNCTION authshift_users_derive_flags() RETURNS trigger
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
  END $$`;

/**
 * A phase-1 instance that still writes `fu_users` (until it follows the `user_store` switch)
 * also updates the consolidated columns of the twin. Always on in phase 2.
 */
const FU_USERS_TO_USERS_FUNCTION = `
  CREATE OR REPLACE FUNCTION authshift_fu_users_to_users() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF pg_trigger_depth() > 1 OR current_setting('authshift.syncing', true) = 'on'
       OR NEW.legacy_user_id IS NULL THEN
      RETURN NULL;
    END IF;
    UPDATE users SET uuid = NEW.id, email = NEW.email, is_active = NEW.is_active,
           is_verified = NEW.is_verified, is_superuser = NEW.is_superuser,
           fu_hashed_password = NEW.hashed_password, fu_linked = true
     WHERE id = NEW.legacy_user_id;
    RETURN NULL;
  END $$`;

/**
 * The reverse: created disabled; the cutover and rollback commands turn it on only while
 * instances switch stores, so `fu_users` stays readable for the ones that have not switched yet.
 */
const USERS_TO_FU_USERS_FUNCTION = `
  CREATE OR REPLACE FUNCTION authshift_users_to_fu_users() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    IF pg_trigger_depth() > 1 OR current_setting('authshift.syncing', true) = 'on'
       OR NOT NEW.fu_linked THEN
      RETURN NULL;
    END IF;
    INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified,
                          legacy_user_id, created_at, updated_at)
    VALUES (NEW.uuid, NEW.email, COALESCE(NEW.fu_hashed_password, NEW.hashed_password, ''),
            NEW.is_active, NEW.is_superuser, NEW.is_verified, NEW.id, NEW.created_at,
            NEW.updated_at)
    ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email,
      hashed_password = EXCLUDED.hashed_password, is_active = EXCLUDED.is_active,
      is_superuser = EXCLUDED.is_superuser, is_verified = EXCLUDED.is_verified,
      updated_at = EXCLUDED.updated_at;
    RETURN NULL;
  END $$`;

const hasColumn = (column: string) =>
  `SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass
                     AND attname = '${column}' AND NOT attisdropped) AS applied`;

export const CONSOLIDATED: RebuildShape = {
  id: 'consolidated',
  // NOT NULL constraints are named as an in-place ADD COLUMN on `users` would name them
  // (PostgreSQL 18 keeps them in pg_constraint), so both ways give the same schema.
  reshape: (shadow) => [
    `ALTER TABLE ${shadow}
       ALTER COLUMN is_active DROP DEFAULT,
       ALTER COLUMN is_active TYPE BOOLEAN USING is_active <> 0,
       ALTER COLUMN is_active SET DEFAULT true,
       ADD COLUMN uuid UUID CONSTRAINT users_uuid_not_null NOT NULL DEFAULT gen_random_uuid(),
       ADD COLUMN is_verified BOOLEAN CONSTRAINT users_is_verified_not_null NOT NULL DEFAULT false,
       ADD COLUMN is_superuser BOOLEAN CONSTRAINT users_is_superuser_not_null NOT NULL DEFAULT false,
       ADD COLUMN fu_hashed_password VARCHAR(1024) NULL,
       ADD COLUMN fu_linked BOOLEAN CONSTRAINT users_fu_linked_not_null NOT NULL DEFAULT false`,
  ],
  // legacy_user_id is unique: at most one twin per row.
  from: 'users u LEFT JOIN fu_users f ON f.legacy_user_id = u.id',
  columns: [
    // Both engines write '1'/'0' literals, which PostgreSQL accepts for SMALLINT and BOOLEAN.
    { name: 'is_active', expr: 'u.is_active <> 0' },
    {
      // One identity (invariant 1): the twin's UUID; a new one for legacy-only accounts, which
      // nothing outside this table knows yet, so verification compares only the twins'.
      name: 'uuid',
      expr: 'COALESCE(f.id, gen_random_uuid())',
      verify: { source: 'f.id', target: 'CASE WHEN s.fu_linked THEN s.uuid END' },
    },
    { name: 'is_verified', expr: 'COALESCE(f.is_verified, u.email_confirmed_at IS NOT NULL)' },
    { name: 'is_superuser', expr: `COALESCE(f.is_superuser, u.role = 'admin')` },
    { name: 'fu_hashed_password', expr: 'f.hashed_password' },
    { name: 'fu_linked', expr: 'f.id IS NOT NULL' },
  ],
  capture: [
    { table: 'users', key: 'id' },
    { table: 'fu_users', key: 'legacy_user_id' },
  ],
  // The unique index on the canonical address answers every lookup the plain one did.
  dropIndexes: ['users_email_canonical_idx'],
  addIndexes: [
    {
      name: 'users_uuid_key',
      definition: (table, name) => `CREATE UNIQUE INDEX ${name} ON ${table} (uuid)`,
    },
    {
      // One identity per canonical address; only after preflight proved there are no twins.
      // One that slipped in since fails the build (or the catch-up) with the address named.
      name: 'users_email_canonical_key',
      definition: (table, name) =>
        `CREATE UNIQUE INDEX ${name} ON ${table} (authshift_canonical_email(email))`,
    },
  ],
  dropTriggers: [],
  afterSwap: [
    DERIVE_FLAGS_FUNCTION,
    FU_USERS_TO_USERS_FUNCTION,
    USERS_TO_FU_USERS_FUNCTION,
    `CREATE TRIGGER users_derive_flags BEFORE INSERT OR UPDATE ON users
       FOR EACH ROW EXECUTE FUNCTION authshift_users_derive_flags()`,
    `CREATE TRIGGER users_to_fu_users AFTER INSERT OR UPDATE ON users
       FOR EACH ROW EXECUTE FUNCTION authshift_users_to_fu_users()`,
    `ALTER TABLE users DISABLE TRIGGER users_to_fu_users`,
    `DROP TRIGGER IF EXISTS fu_users_to_users ON fu_users`,
    `CREATE TRIGGER fu_users_to_users AFTER INSERT OR UPDATE ON fu_users
       FOR EACH ROW EXECUTE FUNCTION authshift_fu_users_to_users()`,
  ],
  appliedSql: hasColumn('fu_linked'),
};

export const LEGACY: RebuildShape = {
  id: 'legacy',
  reshape: (shadow) => [
    `ALTER TABLE ${shadow}
       DROP COLUMN uuid, DROP COLUMN is_verified, DROP COLUMN is_superuser,
       DROP COLUMN fu_hashed_password, DROP COLUMN fu_linked,
       ALTER COLUMN is_active DROP DEFAULT,
       ALTER COLUMN is_active TYPE SMALLINT USING CASE WHEN is_active THEN 1 ELSE 0 END,
       ALTER COLUMN is_active SET DEFAULT 1`,
  ],
  from: 'users u',
  columns: [{ name: 'is_active', expr: '(CASE WHEN u.is_active THEN 1 ELSE 0 END)::smallint' }],
  capture: [{ table: 'users', key: 'id' }],
  dropIndexes: ['users_uuid_key', 'users_email_canonical_key'],
  addIndexes: [
    {
      // Not unique in phase 1: the legacy table may hold old twins (one canonical address).
      name: 'users_email_canonical_idx',
      definition: (table, name) =>
        `CREATE INDEX ${name} ON ${table} (authshift_canonical_email(email))`,
    },
  ],
  dropTriggers: ['users_derive_flags', 'users_to_fu_users'],
  afterSwap: [
    `DROP TRIGGER IF EXISTS fu_users_to_users ON fu_users`,
    `DROP FUNCTION IF EXISTS authshift_users_to_fu_users()`,
    `DROP FUNCTION IF EXISTS authshift_fu_users_to_users()`,
    `DROP FUNCTION IF EXISTS authshift_users_derive_flags()`,
  ],
  appliedSql: `SELECT NOT (${hasColumn('fu_linked')}) AS applied`,
};
