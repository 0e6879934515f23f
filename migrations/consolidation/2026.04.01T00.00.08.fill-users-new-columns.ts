import {
  batchSizeOf,
  resetKeysetJob,
  runKeysetBatches,
} from '../../src/consolidation/keyset-batches.js';
import type { Migration } from '../../src/db/migrator.js';

/** Its batches commit one by one (resumable), so umzug must not wrap it in one transaction. */
export const transactional = false;

const JOB = 'fill-users-new-columns';

/**
 * Gives every existing row a UUID and the fastapi-users flags its legacy fields imply
 * (`role = 'admin'` → superuser, `email_confirmed_at` set → verified). Rows that have a
 * `fu_users` twin get that twin's UUID and flags in the next step. Keyset batches over `id`.
 */
export const up: Migration = async ({ context: { sequelize, params, log } }) => {
  await runKeysetBatches(
    sequelize,
    {
      job: JOB,
      countSql: 'SELECT count(*) AS n FROM users',
      batchSql: `WITH b AS (SELECT id FROM users WHERE id > :after ORDER BY id LIMIT :limit),
        w AS (UPDATE users u
                 SET uuid = gen_random_uuid(),
                     is_verified = u.email_confirmed_at IS NOT NULL,
                     is_superuser = u.role = 'admin'
                FROM b WHERE u.id = b.id AND u.uuid IS NULL
              RETURNING 1)
        SELECT (SELECT max(id) FROM b) AS last_key, (SELECT count(*) FROM b) AS scanned,
               (SELECT count(*) FROM w) AS written`,
      batchSize: batchSizeOf(params),
    },
    ({ job, done, total }) => log(`${job}: ${done}/${total}`),
  );
};

/** The columns' own migrations drop the values; only the progress has to go. */
export const down: Migration = async ({ context: { sequelize } }) => {
  await resetKeysetJob(sequelize, JOB);
};
