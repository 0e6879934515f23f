import { expect } from 'chai';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { syncBackToFuUsers } from '../../../src/consolidation/sync-back.js';
import { setReverseSync } from '../../../src/cutover/store-switch.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { createSettingsRepository } from '../../../src/settings/settings-repository.js';

/** Resolves once a backend other than `except` waits for a row lock in this database. */
async function someoneWaitsForALock(url: string, except: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
        [except],
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await client.end();
  }
}

describe("rollback's sync-back racing a password change (phase 2, real PostgreSQL)", () => {
  let db: Phase1Database;
  let legacyId: number;

  beforeEach(async () => {
    db = await phase1Database();
    // A linked account: a legacy row and its new-engine twin, consolidated into one `users` row.
    const [[row]] = (await db.sequelize.query(
      `INSERT INTO users (email, hashed_password) VALUES ('race@example.com', 'legacy-old')
       RETURNING id`,
    )) as [{ id: number }[], unknown];
    legacyId = row!.id;
    await db.sequelize.query(
      `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified,
                             legacy_user_id)
       VALUES (gen_random_uuid(), 'race@example.com', 'fu-old', true, false, false, :id)`,
      { replacements: { id: legacyId } },
    );
    await db.consolidator().up();
    await createSettingsRepository(db.sequelize).writeUserStore('users', 'test');
    await setReverseSync(db.sequelize, true);
  });
  afterEach(() => db.drop());

  it('when a password change commits while the sync-back copies its row, then fu_users keeps the new password', async () => {
    // The change, as an instance still on `users` makes it: the reverse trigger copies it to
    // fu_users in the same transaction, which stays open until the sync-back reaches the row.
    const change = new pg.Client({ connectionString: db.url });
    await change.connect();
    try {
      await change.query('BEGIN');
      await change.query(
        `UPDATE users SET hashed_password = 'legacy-new', fu_hashed_password = 'fu-new'
          WHERE id = $1`,
        [legacyId],
      );
      const [{ pid }] = (await change.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows as [{ pid: number }];
      const syncing = syncBackToFuUsers(db.sequelize, 50, () => {});
      await someoneWaitsForALock(db.url, pid);
      await change.query('COMMIT');
      await syncing;
    } finally {
      await change.end();
    }

    const [fu] = await db.sequelize.query<{ hashed_password: string }>(
      `SELECT hashed_password FROM fu_users WHERE legacy_user_id = :id`,
      { replacements: { id: legacyId }, type: QueryTypes.SELECT },
    );
    expect(fu!.hashed_password).to.equal('fu-new');
  });
});
