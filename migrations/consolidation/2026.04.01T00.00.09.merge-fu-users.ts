import {
  batchSizeOf,
  resetKeysetJob,
  runKeysetBatches,
} from '../../src/consolidation/keyset-batches.js';
import { syncBackToFuUsers } from '../../src/consolidation/sync-back.js';
import type { Migration } from '../../src/db/migrator.js';

export const transactional = false;

const JOB = 'merge-fu-users';

/**
 * Merges `fu_users` into `users` while both engines keep serving:
 * 1. triggers first, so nothing written during the batches is missed:
 *    - `fu_users_to_users` (always on until `down`): a phase-1 instance that still writes
 *      `fu_users` also updates the consolidated columns of the twin;
 *    - `users_to_fu_users` (created disabled): the cutover and rollback commands turn it on only
 *      while instances switch stores, so `fu_users` stays readable for the ones that have not
 *      switched yet; after cutover, writes land in `users` only.
 *    Both skip writes of the sync itself (`authshift.syncing`) and nested trigger writes.
 * 2. `INSERT … SELECT … ON CONFLICT (id) DO UPDATE` of every `fu_users` row onto its twin, in
 *    keyset batches over `legacy_user_id` (idempotent, resumable).
 * `down` copies back into `fu_users` everything written to `users` since (syncBackToFuUsers), then
 * drops the triggers: no account and no password change is lost.
 */
export const up: Migration = async ({ context: { sequelize, params, log } }) => {
  await sequelize.transaction(async (transaction) => {
    const q = (sql: string) => sequelize.query(sql, { transaction });
    await q(`
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
      END $$`);
    await q(`
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
      END $$`);
    await q(`DROP TRIGGER IF EXISTS fu_users_to_users ON fu_users`);
    await q(`
      CREATE TRIGGER fu_users_to_users AFTER INSERT OR UPDATE ON fu_users
      FOR EACH ROW EXECUTE FUNCTION authshift_fu_users_to_users()`);
    await q(`DROP TRIGGER IF EXISTS users_to_fu_users ON users`);
    await q(`
      CREATE TRIGGER users_to_fu_users AFTER INSERT OR UPDATE ON users
      FOR EACH ROW EXECUTE FUNCTION authshift_users_to_fu_users()`);
    await q(`ALTER TABLE users DISABLE TRIGGER users_to_fu_users`);
  });
  await runKeysetBatches(
    sequelize,
    {
      job: JOB,
      countSql: 'SELECT count(*) AS n FROM fu_users WHERE legacy_user_id IS NOT NULL',
      batchSql: `WITH b AS (SELECT legacy_user_id AS k FROM fu_users
                             WHERE legacy_user_id > :after ORDER BY legacy_user_id LIMIT :limit),
        w AS (INSERT INTO users (id, email, created_at, updated_at, uuid, is_active, is_verified,
                                 is_superuser, fu_hashed_password, fu_linked)
              SELECT f.legacy_user_id, f.email, f.created_at, f.updated_at, f.id, f.is_active,
                     f.is_verified, f.is_superuser, f.hashed_password, true
                FROM fu_users f JOIN b ON f.legacy_user_id = b.k
              ON CONFLICT (id) DO UPDATE SET uuid = EXCLUDED.uuid,
                 is_verified = EXCLUDED.is_verified, is_superuser = EXCLUDED.is_superuser,
                 fu_hashed_password = EXCLUDED.fu_hashed_password, fu_linked = true
              RETURNING 1)
        SELECT (SELECT max(k) FROM b) AS last_key, (SELECT count(*) FROM b) AS scanned,
               (SELECT count(*) FROM w) AS written`,
      batchSize: batchSizeOf(params),
      setup: [`SELECT set_config('authshift.syncing', 'on', true)`],
    },
    ({ job, done, total }) => log(`${job}: ${done}/${total}`),
  );
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  await syncBackToFuUsers(sequelize, batchSizeOf(params), ({ job, done, total }) =>
    log(`${job}: ${done}/${total}`),
  );
  await sequelize.transaction(async (transaction) => {
    const q = (sql: string) => sequelize.query(sql, { transaction });
    await q(`DROP TRIGGER IF EXISTS users_to_fu_users ON users`);
    await q(`DROP TRIGGER IF EXISTS fu_users_to_users ON fu_users`);
    await q(`DROP FUNCTION IF EXISTS authshift_users_to_fu_users()`);
    await q(`DROP FUNCTION IF EXISTS authshift_fu_users_to_users()`);
  });
  await resetKeysetJob(sequelize, JOB);
};
