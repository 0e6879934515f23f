import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { count, phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { runCliProcess } from '../../helpers/cli.js';
import { readOutbox } from '../../helpers/outbox.js';
import { TEST_ENV } from '../../helpers/test-deps.js';

/** Messages the dedupe command wrote to the outbox (MAIL_OUTBOX_DIR of TEST_ENV), for one address. */
const outboxTo = (to: string) => readOutbox(TEST_ENV.MAIL_OUTBOX_DIR!, to);

describe('npm run users -- dedupe (real processes)', function () {
  this.timeout(120_000);
  let db: Phase1Database;
  let dir: string;
  let older: number;
  let recent: number;
  const snapshots = () =>
    count(db.sequelize, 'SELECT count(*) AS n FROM authshift_snapshots.manifest');

  before(async () => {
    db = await phase1Database();
    dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-dedupe-'));
    const insert = async (email: string, createdDaysAgo: number, loginDaysAgo: number) => {
      const [row] = await db.sequelize.query<{ id: number }>(
        `INSERT INTO users (email, created_at, last_login_at)
         VALUES (:email, now() - make_interval(days => :createdDaysAgo), now() - make_interval(days => :loginDaysAgo)) RETURNING id`,
        { type: QueryTypes.SELECT, replacements: { email, createdDaysAgo, loginDaysAgo } },
      );
      return row!.id;
    };
    // The older account was idle for a month; the newer one logged in two days ago.
    older = await insert('Sam@Example.com', 300, 30);
    recent = await insert('sam@example.com', 20, 2);
  });
  after(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when run without --apply, then it prints the plan (the oldest account keeps the address) and changes nothing', async () => {
    const { code, output } = await runCliProcess('users', db.url, ['dedupe']);
    expect(code, output).to.equal(0);
    expect(output).to.contain('dedupe plan: 1 account(s) would be renamed and deactivated');
    expect(output).to.contain(
      `id=${recent} sam@example.com -> sam+dedupe-${recent}@example.com (deactivated; Sam@Example.com id=${older} keeps the address: oldest)`,
    );
    expect(
      await count(
        db.sequelize,
        `SELECT count(*) AS n FROM users WHERE email ILIKE 'sam@example.com'`,
      ),
    ).to.equal(2);
    expect(await snapshots()).to.equal(0);
  });

  it('when run with --apply, then a snapshot is taken, the oldest account keeps the address, the other is notified by e-mail and listed in the report', async () => {
    const report = path.join(dir, 'nested', 'dedupe.json');
    const { code, output } = await runCliProcess('users', db.url, [
      'dedupe',
      '--apply',
      '--report',
      report,
    ]);
    expect(code, output).to.equal(0);
    expect(output).to.match(/snapshot pre-dedupe-\d{8}-\d{6} taken/);
    expect(output).to.contain(`deduplicated 1 account(s); report for support: ${report}`);

    const written = JSON.parse(await readFile(report, 'utf8')) as {
      snapshot: string;
      accounts: Record<string, unknown>[];
    };
    expect(written.snapshot).to.match(/^pre-dedupe-/);
    expect(written.accounts).to.deep.equal([
      {
        id: recent,
        oldEmail: 'sam@example.com',
        newEmail: `sam+dedupe-${recent}@example.com`,
        keeperId: older,
        keeperEmail: 'Sam@Example.com',
        rule: 'oldest',
        notified: true,
      },
    ]);
    const rows = await db.sequelize.query<{ id: number; email: string; is_active: number }>(
      'SELECT id, email, is_active FROM users WHERE id IN (:ids) ORDER BY id',
      { type: QueryTypes.SELECT, replacements: { ids: [older, recent] } },
    );
    expect(rows).to.deep.equal([
      { id: older, email: 'Sam@Example.com', is_active: 1 },
      { id: recent, email: `sam+dedupe-${recent}@example.com`, is_active: 0 },
    ]);
    const [notice] = await outboxTo('sam@example.com');
    expect(notice?.subject).to.match(/deactivated/);
    expect(notice?.text).to.contain(`account id ${recent}`).and.not.contain('http');
    expect(
      await count(
        db.sequelize,
        `SELECT count(*) AS n FROM authshift_snapshots.manifest WHERE label = :l AND origin = 'dedupe'`,
        {
          l: written.snapshot,
        },
      ),
    ).to.equal(1);
  });

  it('when run with --apply again, then it says there is nothing to deduplicate and takes no snapshot', async () => {
    const before = await snapshots();
    const again = await runCliProcess('users', db.url, ['dedupe', '--apply']);
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.contain('nothing to deduplicate: no snapshot taken, nothing changed');
    expect(await snapshots()).to.equal(before);
  });
});
