import type { Sequelize } from 'sequelize';
import { runKeysetBatches, resetKeysetJob, type KeysetProgress } from './keyset-batches.js';

/**
 * Set for a transaction whose writes must not be echoed by the phase-2 sync triggers (the
 * sync-back itself, and a snapshot restore): they check `authshift.syncing`.
 */
export const SYNC_GUARD = `SELECT set_config('authshift.syncing', 'on', true)`;

const FU_COLUMNS =
  'id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id, created_at, updated_at';

/** The fu_users row a linked `users` row stands for (phase 2 → phase 1). */
export const FU_ROW_FROM_USERS = `u.uuid, u.email, COALESCE(u.fu_hashed_password, u.hashed_password, ''),
  u.is_active, u.is_superuser, u.is_verified, u.id, u.created_at, u.updated_at`;

export const FU_UPSERT_TAIL = `ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email,
    hashed_password = EXCLUDED.hashed_password, is_active = EXCLUDED.is_active,
    is_superuser = EXCLUDED.is_superuser, is_verified = EXCLUDED.is_verified,
    updated_at = EXCLUDED.updated_at
  WHERE (fu_users.email, fu_users.hashed_password, fu_users.is_active, fu_users.is_superuser,
         fu_users.is_verified)
    IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.hashed_password, EXCLUDED.is_active,
                      EXCLUDED.is_superuser, EXCLUDED.is_verified)`;

/**
 * Brings every account the new engine knows (`fu_linked`) back into `fu_users` exactly as it is
 * in `users` now: accounts registered after cutover are inserted, password, e-mail and flag
 * changes made after cutover are copied, untouched rows are not written at all (so up → down
 * leaves them byte-identical). Idempotent and resumable (keyset batches over `users.id`).
 */
export async function syncBackToFuUsers(
  sequelize: Sequelize,
  batchSize: number,
  report: (progress: KeysetProgress) => void,
): Promise<KeysetProgress> {
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(SYNC_GUARD, { transaction });
    // Token holders are accounts the new engine issued credentials to: they must come back.
    await sequelize.query(
      `UPDATE users SET fu_linked = true
        WHERE NOT fu_linked AND uuid IN (SELECT user_id FROM fu_access_tokens)`,
      { transaction },
    );
    // So are accounts linked to an OAuth provider (the table exists from its migration on).
    await sequelize.query(
      `DO $$ BEGIN
         IF to_regclass('oauth_accounts') IS NOT NULL THEN
           UPDATE users SET fu_linked = true
            WHERE NOT fu_linked AND uuid IN (SELECT user_id FROM oauth_accounts);
         END IF;
       END $$`,
      { transaction },
    );
    // An e-mail that moved between accounts after cutover would collide with a stale row on the
    // unique index mid-way; parking changed addresses first makes the batches order-independent.
    await sequelize.query(
      `UPDATE fu_users f SET email = f.id::text || '@sync-back.invalid'
         FROM users u
        WHERE u.id = f.legacy_user_id AND u.email IS DISTINCT FROM f.email`,
      { transaction },
    );
  });
  const progress = await runKeysetBatches(
    sequelize,
    {
      job: 'sync-back-fu-users',
      countSql: 'SELECT count(*) AS n FROM users',
      // The batch is the range scan on users' primary key itself; joining users to a list of
      // keys instead lets the planner scan the whole table for every batch.
      // FOR SHARE: a password change committing while the batch runs is either waited for and
      // copied as it now is, or waits for the batch and is then copied by the reverse trigger;
      // without it the batch's older read of the row overwrites the change in fu_users.
      batchSql: `WITH u AS (SELECT * FROM users WHERE id > :after ORDER BY id LIMIT :limit
                           FOR SHARE),
        w AS (INSERT INTO fu_users (${FU_COLUMNS})
              SELECT ${FU_ROW_FROM_USERS} FROM u WHERE u.fu_linked
              ${FU_UPSERT_TAIL}
              RETURNING 1)
        SELECT (SELECT max(id) FROM u) AS last_key, (SELECT count(*) FROM u) AS scanned,
               (SELECT count(*) FROM w) AS written`,
      batchSize,
      setup: [SYNC_GUARD],
    },
    report,
  );
  await resetKeysetJob(sequelize, 'sync-back-fu-users');
  return progress;
}
