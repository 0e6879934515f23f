import { batchSizeOf } from '../../src/consolidation/keyset-batches.js';
import { syncBackToFuUsers } from '../../src/consolidation/sync-back.js';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Migration } from '../../src/db/migrator.js';
import { runShortLockDdl } from '../../src/consolidation/short-lock-ddl.js';

export const transactional = false;

/** Both foreign-key targets, then the link table, in the order writers take them (bounded waits). */
const LOCKS = [
  'users, fu_users IN SHARE ROW EXCLUSIVE MODE',
  'oauth_accounts IN ACCESS EXCLUSIVE MODE',
];
const VALIDATE = `ALTER TABLE oauth_accounts VALIDATE CONSTRAINT oauth_accounts_user_id_fkey`;

/** On a database consolidated before oauth_accounts existed, its own migration picks the key. */
async function tableExists(sequelize: Sequelize): Promise<boolean> {
  const [row] = await sequelize.query<{ present: boolean }>(
    `SELECT to_regclass('oauth_accounts') IS NOT NULL AS present`,
    { type: QueryTypes.SELECT },
  );
  return row?.present === true;
}

/**
 * OAuth links belong to `users` (by UUID) once the new engine writes there, as cookie tokens do:
 * accounts created or first linked after cutover have no `fu_users` row. `down` first brings
 * every linked account back into `fu_users` (sync-back counts link holders as new-engine
 * accounts), so no link is lost by a rollback.
 */
export const up: Migration = async ({ context: { sequelize } }) => {
  if (!(await tableExists(sequelize))) return;
  await runShortLockDdl(sequelize, {
    locks: LOCKS,
    statements: [
      `ALTER TABLE oauth_accounts DROP CONSTRAINT IF EXISTS oauth_accounts_user_id_fkey`,
      `ALTER TABLE oauth_accounts ADD CONSTRAINT oauth_accounts_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES users (uuid) ON DELETE CASCADE NOT VALID`,
    ],
  });
  await runShortLockDdl(sequelize, { locks: [], statements: [VALIDATE] });
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  await syncBackToFuUsers(sequelize, batchSizeOf(params), ({ job, done, total }) =>
    log(`${job}: ${done}/${total}`),
  );
  if (!(await tableExists(sequelize))) return;
  await runShortLockDdl(sequelize, {
    locks: LOCKS,
    statements: [
      `ALTER TABLE oauth_accounts DROP CONSTRAINT oauth_accounts_user_id_fkey`,
      `ALTER TABLE oauth_accounts ADD CONSTRAINT oauth_accounts_user_id_fkey
         FOREIGN KEY (user_id) REFERENCES fu_users (id) ON DELETE CASCADE NOT VALID`,
    ],
  });
  await runShortLockDdl(sequelize, { locks: [], statements: [VALIDATE] });
};
