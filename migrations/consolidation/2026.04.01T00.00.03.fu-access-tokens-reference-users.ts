import { batchSizeOf } from '../../src/consolidation/keyset-batches.js';
import { syncBackToFuUsers } from '../../src/consolidation/sync-back.js';
import type { Migration } from '../../src/db/migrator.js';

export const transactional = false;

/**
 * Cookie tokens belong to `users` (by UUID) once the new engine writes there: accounts registered
 * after cutover have no `fu_users` row. NOT VALID + VALIDATE keeps the long check from blocking
 * writes. `down` first brings those accounts back into `fu_users` so every token keeps its user.
 */
export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `ALTER TABLE fu_access_tokens DROP CONSTRAINT IF EXISTS fu_access_tokens_user_id_fkey`,
      { transaction },
    );
    await sequelize.query(
      `ALTER TABLE fu_access_tokens ADD CONSTRAINT fu_access_tokens_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES users (uuid) ON DELETE CASCADE NOT VALID`,
      { transaction },
    );
  });
  await sequelize.query(
    `ALTER TABLE fu_access_tokens VALIDATE CONSTRAINT fu_access_tokens_user_id_fkey`,
  );
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  await syncBackToFuUsers(sequelize, batchSizeOf(params), ({ job, done, total }) =>
    log(`${job}: ${done}/${total}`),
  );
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `ALTER TABLE fu_access_tokens DROP CONSTRAINT fu_access_tokens_user_id_fkey`,
      { transaction },
    );
    await sequelize.query(
      `ALTER TABLE fu_access_tokens ADD CONSTRAINT fu_access_tokens_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES fu_users (id) ON DELETE CASCADE NOT VALID`,
      { transaction },
    );
  });
  await sequelize.query(
    `ALTER TABLE fu_access_tokens VALIDATE CONSTRAINT fu_access_tokens_user_id_fkey`,
  );
};
