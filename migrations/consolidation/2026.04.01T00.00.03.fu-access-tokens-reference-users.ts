import { batchSizeOf } from '../../src/consolidation/keyset-batches.js';
import { syncBackToFuUsers } from '../../src/consolidation/sync-back.js';
import type { Migration } from '../../src/db/migrator.js';
import { runShortLockDdl } from '../../src/consolidation/short-lock-ddl.js';

export const transactional = false;

/**
 * Both foreign-key targets and the token table, locked up front in the order writers take them
 * (a registration writes users, then fu_users; a cookie login writes fu_access_tokens), each wait
 * bounded: a deadlock with live traffic was seen here before the locks were ordered and bounded.
 */
const LOCKS = [
  'users, fu_users IN SHARE ROW EXCLUSIVE MODE',
  'fu_access_tokens IN ACCESS EXCLUSIVE MODE',
];
const VALIDATE = `ALTER TABLE fu_access_tokens VALIDATE CONSTRAINT fu_access_tokens_user_id_fkey`;

/**
 * Cookie tokens belong to `users` (by UUID) once the new engine writes there: accounts registered
 * after cutover have no `fu_users` row. NOT VALID + VALIDATE keeps the long check from blocking
 * writes. `down` first brings those accounts back into `fu_users` so every token keeps its user.
 */
export const up: Migration = async ({ context: { sequelize } }) => {
  await runShortLockDdl(sequelize, {
    locks: LOCKS,
    statements: [
      `ALTER TABLE fu_access_tokens DROP CONSTRAINT IF EXISTS fu_access_tokens_user_id_fkey`,
      `ALTER TABLE fu_access_tokens ADD CONSTRAINT fu_access_tokens_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES users (uuid) ON DELETE CASCADE NOT VALID`,
    ],
  });
  await runShortLockDdl(sequelize, { locks: [], statements: [VALIDATE] });
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  await syncBackToFuUsers(sequelize, batchSizeOf(params), ({ job, done, total }) =>
    log(`${job}: ${done}/${total}`),
  );
  await runShortLockDdl(sequelize, {
    locks: LOCKS,
    statements: [
      `ALTER TABLE fu_access_tokens DROP CONSTRAINT fu_access_tokens_user_id_fkey`,
      `ALTER TABLE fu_access_tokens ADD CONSTRAINT fu_access_tokens_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES fu_users (id) ON DELETE CASCADE NOT VALID`,
    ],
  });
  await runShortLockDdl(sequelize, { locks: [], statements: [VALIDATE] });
};
