import { expect } from 'chai';
import pg from 'pg';
import { LOCK_KEYS } from '../../../src/db/advisory-lock.js';
import { count, phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { runCliProcess } from '../../helpers/cli.js';

describe('npm run snapshot (real processes)', function () {
  this.timeout(120_000);
  let db: Phase1Database;
  const snapshot = (...args: string[]) => runCliProcess('snapshot', db.url, args);

  before(async () => {
    db = await phase1Database();
    await db.sequelize.query(
      `INSERT INTO users (email, full_name) SELECT format('cli-%s@example.org', g), 'Before' FROM generate_series(1, 30) g`,
    );
  });
  after(() => db.drop());

  it('when used without a command, with an unknown one, or without the label a command needs, then it says so in one line (or prints the usage) and exits 2', async () => {
    // One CLI convention: the refusal names the problem instead of repeating the usage.
    const expected: [string[], RegExp][] = [
      [[], /^usage: npm run snapshot -- <command> \[options\]/],
      [
        ['frobnicate'],
        /^unknown command "frobnicate": valid commands: create, list, verify, restore, drop, prune/,
      ],
      [['verify'], /^verify needs LABEL/],
      [['restore'], /^restore needs LABEL/],
      [['drop'], /^drop needs LABEL/],
      [['prune'], /^prune needs --keep N/],
    ];
    for (const [args, pattern] of expected) {
      const { code, output } = await snapshot(...args);
      expect(code, args.join(' ')).to.equal(2);
      expect(output, args.join(' ')).to.match(pattern);
    }
  });

  it('when the label is invalid, then create exits 1 naming the rule and creates nothing', async () => {
    const { code, output } = await snapshot('create', '--label', 'Not Valid');
    expect(code).to.equal(1);
    expect(output).to.match(/label must match \[a-z0-9\]\[a-z0-9_-\]\{0,40\}: Not Valid/);
    expect(
      await count(db.sequelize, 'SELECT count(*) AS n FROM authshift_snapshots.manifest'),
    ).to.equal(0);
  });

  it('when a snapshot is created, listed, verified, restored and dropped, then each step says so and exits 0', async () => {
    const created = await snapshot('create', '--label', 'cli-one');
    expect(created.code, created.output).to.equal(0);
    expect(created.output).to.match(/snapshot cli-one created in \d+\.\d\ds/);
    expect(created.output).to.match(/snapshot cli-one: users 30 rows, checksum -?\d+/);

    const listed = await snapshot('list');
    expect(listed.code).to.equal(0);
    expect(listed.output).to.match(
      /^cli-one {2}manual {2}taken \S+ {2}\d+\.\d (kB|MB) {2}users=30 fu_users=0 fu_access_tokens=0 oauth_accounts=0$/m,
    );

    const verified = await snapshot('verify', 'cli-one');
    expect(verified.code).to.equal(0);
    expect(verified.output).to.contain('snapshot cli-one matches its manifest');

    await db.sequelize.query(`UPDATE users SET full_name = 'Damaged'`);
    const restored = await snapshot('restore', 'cli-one');
    expect(restored.code, restored.output).to.equal(0);
    expect(restored.output).to.match(/snapshot cli-one restored in \d+\.\d\ds/);
    const again = await snapshot('restore', 'cli-one');
    expect(again.code, again.output).to.equal(0);
    expect(
      await count(db.sequelize, `SELECT count(*) AS n FROM users WHERE full_name = 'Damaged'`),
    ).to.equal(0);
    expect((await snapshot('list')).output).to.match(/^cli-one .* restored \S+$/m);

    const dropped = await snapshot('drop', 'cli-one');
    expect(dropped.code).to.equal(0);
    expect(dropped.output).to.contain('snapshot cli-one dropped');
    expect((await snapshot('list')).output).to.not.contain('cli-one');
  });

  it('when a snapshot table was tampered with, then verify exits 6 (mismatch) naming the table and restore exits 1 refusing it', async () => {
    expect((await snapshot('create', '--label', 'cli-tampered')).code).to.equal(0);
    await db.sequelize.query(
      `UPDATE authshift_snapshots."cli-tampered__users" SET full_name = 'Tampered' WHERE email = 'cli-1@example.org'`,
    );
    const verified = await snapshot('verify', 'cli-tampered');
    // Was 3, which now means "busy" in the one exit-code table shared by every CLI.
    expect(verified.code).to.equal(6);
    expect(verified.output).to.match(/^MISMATCH users: 30 rows \/ checksum/m);
    const restored = await snapshot('restore', 'cli-tampered');
    expect(restored.code).to.equal(1);
    expect(restored.output).to.match(/snapshot cli-tampered does not match its manifest/);
  });

  it('when a cutover or rollback is running, then restore exits 3 (busy) and changes nothing', async () => {
    expect((await snapshot('create', '--label', 'cli-during-cutover')).code).to.equal(0);
    await db.sequelize.query(
      `UPDATE users SET full_name = 'After' WHERE email = 'cli-2@example.org'`,
    );
    // What a running cutover or rollback holds (src/cutover/ops-lock.ts), on its own connection.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.cutover]);
      const restored = await snapshot('restore', 'cli-during-cutover');
      expect(restored.code, restored.output).to.equal(3);
      expect(restored.output).to.match(/a cutover or rollback is running/);
      expect(
        await count(
          db.sequelize,
          `SELECT count(*) AS n FROM users WHERE full_name = 'After' AND email = 'cli-2@example.org'`,
        ),
      ).to.equal(1);
    } finally {
      await holder.end();
    }
  });

  it('when the label is unknown, then verify, restore and drop exit 1 saying so', async () => {
    for (const command of ['verify', 'restore', 'drop']) {
      const { code, output } = await snapshot(command, 'no-such-label');
      expect(code, command).to.equal(1);
      expect(output, command).to.contain('no snapshot labelled no-such-label');
    }
  });

  it('when prune --keep N runs, then only the N newest automatic snapshots stay, manual ones are kept, and a second run drops nothing', async () => {
    for (const label of ['auto-a', 'auto-b', 'auto-c'])
      await db.sequelize.query(
        `INSERT INTO authshift_snapshots.manifest (label, taken_at, origin, tables)
         VALUES (:label, now(), 'cutover', '{}'::jsonb)`,
        { replacements: { label } },
      );
    expect((await snapshot('create', '--label', 'kept-by-hand')).code).to.equal(0);
    const pruned = await snapshot('prune', '--keep', '1');
    expect(pruned.code, pruned.output).to.equal(0);
    expect(pruned.output).to.contain('dropped 2 snapshot(s): auto-a, auto-b');
    const listed = (await snapshot('list')).output;
    expect(listed)
      .to.match(/^auto-c {2}cutover /m)
      .and.match(/^kept-by-hand {2}manual /m);
    const again = await snapshot('prune', '--keep', '1');
    expect(again).to.deep.include({ code: 0 });
    expect(again.output).to.contain('nothing to prune');
  });
});
