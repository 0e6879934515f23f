import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { seededPhase1, type SeededPhase1 } from '../../helpers/phase1-data.js';
import { createSnapshotService } from '../../../src/snapshot/snapshot-service.js';

/** OAuth links in the reversible snapshot: captured, verified and restored with the user tables. */

interface Link {
  id: string;
  oauth_name: string;
  access_token: string;
  expires_at: number | null;
  refresh_token: string | null;
  account_id: string;
  account_email: string;
  user_id: string;
}

const links = (s: Sequelize) =>
  s.query<Link>(`SELECT * FROM oauth_accounts ORDER BY account_id`, { type: QueryTypes.SELECT });

async function link(s: Sequelize, userId: string, accountId: string): Promise<void> {
  await s.query(
    `INSERT INTO oauth_accounts (oauth_name, access_token, expires_at, refresh_token, account_id, account_email, user_id)
     VALUES ('idp', md5(random()::text), 1900000000, NULL, :accountId, :accountId || '@idp.example', :userId)`,
    { replacements: { userId, accountId } },
  );
}

describe('snapshot of OAuth links', function () {
  this.timeout(60_000);

  describe('in phase 1 (links point at fu_users)', () => {
    let fixture: SeededPhase1;
    let s: Sequelize;
    let users: string[];

    beforeEach(async () => {
      fixture = await seededPhase1();
      s = fixture.db.sequelize;
      users = (
        await s.query<{ id: string }>(`SELECT id FROM fu_users ORDER BY email`, {
          type: QueryTypes.SELECT,
        })
      ).map((r) => r.id);
      await link(s, users[0]!, 'acct-a');
      await link(s, users[1]!, 'acct-b');
    });
    afterEach(() => fixture.close());

    it('when links are added, changed and removed after a snapshot, then restore brings the captured links back and keeps the new one', async () => {
      const snapshots = createSnapshotService(s);
      const manifest = await snapshots.create('with-links');
      expect(manifest.tables.oauth_accounts?.rows).to.equal(2);
      const captured = await links(s);

      await link(s, users[2]!, 'acct-new');
      await s.query(
        `UPDATE oauth_accounts SET access_token = 'refreshed', account_email = 'moved@idp.example'
          WHERE account_id = 'acct-a'`,
      );
      await s.query(`DELETE FROM oauth_accounts WHERE account_id = 'acct-b'`);
      const added = (await links(s)).find((l) => l.account_id === 'acct-new')!;

      expect(await snapshots.verify('with-links')).to.deep.equal([]);
      const report = await snapshots.restore('with-links');
      expect(report.rewritten.oauth_accounts).to.equal(2);
      expect(report.keptNewer.oauth_accounts).to.equal(1);
      expect(report.leftAsIs).to.deep.equal([]);
      expect(await links(s)).to.deep.equal([...captured, added]);
    });

    it('when a link made since holds a provider account a captured link holds, then restore refuses saying so and changes nothing', async () => {
      const snapshots = createSnapshotService(s);
      await snapshots.create('relinked');
      await s.query(`DELETE FROM oauth_accounts WHERE account_id = 'acct-a'`);
      await link(s, users[2]!, 'acct-a');
      const current = await links(s);
      let error: unknown;
      await snapshots.restore('relinked').catch((e: unknown) => (error = e));
      expect((error as { code?: string }).code).to.equal('SNAPSHOT_CONFLICT');
      expect((error as Error).message).to.match(/^oauth_accounts: 1 row\(s\) made since/);
      expect(await links(s)).to.deep.equal(current);
    });

    it('when a snapshot copy of the links is tampered with, then verify names it and restore refuses', async () => {
      const snapshots = createSnapshotService(s);
      await snapshots.create('tampered-links');
      await s.query(
        `UPDATE authshift_snapshots."tampered-links__oauth_accounts" SET access_token = 'forged'`,
      );
      const problems = await snapshots.verify('tampered-links');
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^oauth_accounts: /);
      let error: unknown;
      await snapshots.restore('tampered-links').catch((e: unknown) => (error = e));
      expect((error as { code?: string }).code).to.equal('SNAPSHOT_CORRUPT');
    });

    it('when a manifest predates captured links, then verify and restore work and leave the links as they are', async () => {
      const snapshots = createSnapshotService(s);
      await snapshots.create('before-links');
      // What a snapshot taken before links were captured looks like: no copy, no manifest entry.
      await s.query(`DROP TABLE authshift_snapshots."before-links__oauth_accounts"`);
      await s.query(
        `UPDATE authshift_snapshots.manifest SET tables = tables - 'oauth_accounts'
          WHERE label = 'before-links'`,
      );
      await link(s, users[2]!, 'acct-later');
      await s.query(
        `UPDATE oauth_accounts SET access_token = 'refreshed' WHERE account_id = 'acct-a'`,
      );
      const current = await links(s);

      expect(await snapshots.verify('before-links')).to.deep.equal([]);
      expect((await snapshots.list()).map((m) => Object.keys(m.tables))).to.deep.equal([
        ['users', 'fu_users', 'fu_access_tokens'],
      ]);
      const report = await snapshots.restore('before-links');
      expect(report.leftAsIs).to.deep.equal(['oauth_accounts']);
      expect(report.keptNewer).to.not.have.property('oauth_accounts');
      expect(await links(s)).to.deep.equal(current);
      await snapshots.drop('before-links');
      expect(await snapshots.list()).to.deep.equal([]);
    });
  });

  describe('once consolidated (links point at users)', () => {
    let db: Phase1Database;

    beforeEach(async () => {
      db = await phase1Database();
      await db.consolidator().up();
    });
    afterEach(() => db.drop());

    it('when restored, then the captured links are back and their key to the rebuilt users is validated', async () => {
      const s = db.sequelize;
      await s.query(
        `INSERT INTO users (email, full_name) SELECT format('oauth-%s@example.org', g), 'Linked' FROM generate_series(1, 3) g`,
      );
      const uuids = (
        await s.query<{ uuid: string }>(`SELECT uuid FROM users ORDER BY email`, {
          type: QueryTypes.SELECT,
        })
      ).map((r) => r.uuid);
      await link(s, uuids[0]!, 'acct-a');
      const snapshots = createSnapshotService(s);
      await snapshots.create('consolidated');
      const captured = await links(s);
      await s.query(`UPDATE oauth_accounts SET access_token = 'refreshed'`);
      await link(s, uuids[1]!, 'acct-new');

      const report = await snapshots.restore('consolidated');
      expect(report.rewritten.oauth_accounts).to.equal(1);
      expect(report.keptNewer.oauth_accounts).to.equal(1);
      expect((await links(s)).filter((l) => l.account_id === 'acct-a')).to.deep.equal(captured);
      const [fk] = await s.query<{ target: string; validated: boolean }>(
        `SELECT confrelid::regclass::text AS target, convalidated AS validated FROM pg_constraint
          WHERE conname = 'oauth_accounts_user_id_fkey'`,
        { type: QueryTypes.SELECT },
      );
      expect(fk).to.deep.equal({ target: 'users', validated: true });
    });
  });
});
