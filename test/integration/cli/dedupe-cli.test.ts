import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { count, phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { runCliProcess } from '../../helpers/cli.js';

describe('npm run users -- dedupe (real processes)', function () {
  this.timeout(60_000);
  let db: Phase1Database;
  let dir: string;
  let older: number;
  let recent: number;

  before(async () => {
    db = await phase1Database();
    dir = await mkdtemp(path.join(os.tmpdir(), 'authshift-dedupe-'));
    const insert = async (email: string, daysAgo: number) => {
      const [row] = await db.sequelize.query<{ id: number }>(
        `INSERT INTO users (email, last_login_at) VALUES (:email, now() - make_interval(days => :daysAgo)) RETURNING id`,
        { type: QueryTypes.SELECT, replacements: { email, daysAgo } },
      );
      return row!.id;
    };
    older = await insert('Sam@Example.com', 30);
    recent = await insert('sam@example.com', 2);
  });
  after(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when run without --apply, then it prints the plan and changes nothing', async () => {
    const { code, output } = await runCliProcess('users', db.url, ['dedupe']);
    expect(code, output).to.equal(0);
    expect(output).to.contain('dedupe plan: 1 account(s) would be renamed and deactivated');
    expect(output).to.contain(
      `id=${older} Sam@Example.com -> Sam+dedupe-${older}@Example.com (deactivated; sam@example.com id=${recent} keeps the address)`,
    );
    expect(
      await count(
        db.sequelize,
        `SELECT count(*) AS n FROM users WHERE email ILIKE 'sam@example.com'`,
      ),
    ).to.equal(2);
  });

  it('when run with --apply, then a snapshot is taken, the most recently active account keeps the address, and the report lists the other', async () => {
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
      accounts: { id: number; oldEmail: string; newEmail: string; keeperId: number }[];
    };
    expect(written.snapshot).to.match(/^pre-dedupe-/);
    expect(written.accounts).to.deep.equal([
      {
        id: older,
        oldEmail: 'Sam@Example.com',
        newEmail: `Sam+dedupe-${older}@Example.com`,
        keeperId: recent,
        keeperEmail: 'sam@example.com',
      },
    ]);
    const rows = await db.sequelize.query<{ id: number; email: string; is_active: number }>(
      'SELECT id, email, is_active FROM users WHERE id IN (:ids) ORDER BY id',
      { type: QueryTypes.SELECT, replacements: { ids: [older, recent] } },
    );
    expect(rows).to.deep.equal([
      { id: older, email: `Sam+dedupe-${older}@Example.com`, is_active: 0 },
      { id: recent, email: 'sam@example.com', is_active: 1 },
    ]);
    expect(
      await count(
        db.sequelize,
        `SELECT count(*) AS n FROM authshift_snapshots.manifest WHERE label = :l`,
        {
          l: written.snapshot,
        },
      ),
    ).to.equal(1);

    const again = await runCliProcess('users', db.url, ['dedupe']);
    expect(again.output).to.contain('dedupe plan: 0 account(s)');
  });
});
