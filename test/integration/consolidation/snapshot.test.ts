import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { applyDedupe, planDedupe } from '../../../src/cutover/dedupe.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createSnapshotService, SnapshotError } from '../../../src/snapshot/snapshot-service.js';
import {
  pinTextForm,
  snapshotRelation,
  SNAPSHOT_TABLES,
  tableFigures,
} from '../../../src/snapshot/snapshot-sql.js';
import { dataFigures, type Phase1Database } from '../../helpers/consolidation.js';
import { eventually } from '../../helpers/eventually.js';
import { uniqueEmail } from '../../helpers/factories.js';
import { seededPhase1, type Phase1Data, type SeededPhase1 } from '../../helpers/phase1-data.js';

describe('snapshot seeder and dedupe', () => {
  let db: Phase1Database;
  let app: RequestListener;
  let data: Phase1Data;
  let fixture: SeededPhase1;

  beforeEach(async () => {
    fixture = await seededPhase1();
    ({ db, app, data } = fixture);
  });
  afterEach(() => fixture.close());

  it('when restored after damage, then captured rows are byte-identical, and later accounts and password changes survive', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    const before = await dataFigures(db.sequelize, ['users', 'fu_users', 'fu_access_tokens']);
    const manifest = await snapshots.create('before-damage');
    expect(manifest.tables.users.rows).to.be.greaterThan(200);
    expect(await snapshots.verify('before-damage')).to.deep.equal([]);

    const later = { email: uniqueEmail('later'), password: 'registered-later-1' };
    expect((await request(app).post('/auth/register').send(later)).status).to.equal(201);
    const changer = data.legacy[0]!;
    const agent = request.agent(app);
    await agent.post('/auth/login').send({ email: changer.email, password: changer.password });
    expect(
      (
        await agent
          .post('/auth/change-password')
          .send({ current_password: changer.password, new_password: 'changed-later-1' })
      ).status,
    ).to.equal(204);
    // The damage a restore is for: every other row rewritten, one deleted.
    await db.sequelize.query(
      `UPDATE users SET full_name = 'damaged' WHERE email <> :e AND id <> :id`,
      {
        replacements: { e: later.email, id: changer.id },
      },
    );
    await db.sequelize.query(`DELETE FROM fu_access_tokens`);

    const contacts = await db.sequelize.query(`SELECT * FROM contacts ORDER BY id`, {
      type: QueryTypes.SELECT,
    });
    const report = await snapshots.restore('before-damage');
    expect(report.keptNewer.users).to.equal(1);
    // users is rebuilt and swapped in: what points at it is intact and checked again.
    expect(
      await db.sequelize.query(`SELECT * FROM contacts ORDER BY id`, { type: QueryTypes.SELECT }),
    ).to.deep.equal(contacts);
    const keys = await db.sequelize.query<{ name: string; validated: boolean }>(
      `SELECT conname AS name, convalidated AS validated FROM pg_constraint
        WHERE confrelid = 'users'::regclass ORDER BY 1`,
      { type: QueryTypes.SELECT },
    );
    expect(keys.map((k) => k.name)).to.deep.equal([
      'contacts_owner_id_fkey',
      'fu_facade_sessions_legacy_user_id_fkey',
      'fu_users_legacy_user_id_fkey',
    ]);
    expect(keys.every((k) => k.validated)).to.equal(true);
    expect(report.passwordChangesReapplied).to.equal(1);
    expect((await request(app).post('/auth/login').send(later)).status).to.equal(200);
    expect(
      (
        await request(app)
          .post('/auth/login')
          .send({ email: changer.email, password: 'changed-later-1' })
      ).status,
    ).to.equal(200);
    const after = await db.sequelize.query<{ n: string }>(
      `SELECT count(*) AS n FROM users WHERE full_name = 'damaged'`,
      { type: QueryTypes.SELECT },
    );
    expect(Number(after[0]!.n)).to.equal(0);
    expect((await dataFigures(db.sequelize, ['fu_access_tokens'])).fu_access_tokens).to.equal(
      before.fu_access_tokens,
    );
    // A fresh registration after the restore gets a new id (the sequence was not rewound).
    expect(
      (
        await request(app)
          .post('/auth/register')
          .send({ email: uniqueEmail('after'), password: 'after-restore-1' })
      ).status,
    ).to.equal(201);
  });

  it('when an account is committed while a restore waits for the user tables, then the restore keeps it', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    await snapshots.create('before-late-account');
    const other = createSequelize({ url: db.url, poolMax: 1, logger: silentLogger() });
    try {
      // A registration in flight: its row is written but not committed when the restore starts.
      const writing = await other.transaction();
      const email = uniqueEmail('late');
      await other.query(
        `INSERT INTO users (email, full_name, hashed_password, is_active, role)
         VALUES (:email, 'Late', 'x', 1, 'user')`,
        { replacements: { email }, transaction: writing },
      );
      const restoring = snapshots.restore('before-late-account');
      // The restore waits for the registration's lock on users; then the registration commits.
      await eventually(
        async () => {
          const [row] = await db.sequelize.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE NOT granted AND relation = 'users'::regclass`,
            { type: QueryTypes.SELECT },
          );
          return row!.waiting > 0;
        },
        { what: 'the restore waiting for the lock on users' },
      );
      await writing.commit();
      await restoring;
      const [kept] = await db.sequelize.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM users WHERE email = :email',
        { replacements: { email }, type: QueryTypes.SELECT },
      );
      expect(kept!.n, 'the account committed during the restore').to.equal(1);
    } finally {
      await other.close();
    }
  });

  it('when a snapshot is taken, on one connection or two, then its manifest holds the row hashes of exactly the copied rows', async () => {
    const single = createSequelize({ url: db.url, poolMax: 1, logger: silentLogger() });
    try {
      const pair = await createSnapshotService(db.sequelize).create('two-connections');
      const alone = await createSnapshotService(single).create('one-connection');
      for (const manifest of [pair, alone])
        for (const { name } of SNAPSHOT_TABLES) {
          const table = manifest.tables[name]!;
          expect(table.method).to.equal('row-hash');
          const copied = await tableFigures(
            db.sequelize,
            snapshotRelation(manifest.label, name),
            undefined,
            { method: 'row-hash', columns: table.columns },
          );
          expect(copied, `${manifest.label} ${name}`).to.deep.equal({
            rows: table.rows,
            checksum: table.checksum,
          });
        }
      expect(alone.tables).to.deep.equal(pair.tables);
    } finally {
      await single.close();
    }
  });

  it('when a manifest predates row hashes (text-form checksums), then verify and restore still check it that way', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    const manifest = await snapshots.create('text-form');
    const tables: Record<string, unknown> = {};
    await db.sequelize.transaction(async (t) => {
      await pinTextForm(db.sequelize, t);
      for (const { name } of SNAPSHOT_TABLES) {
        const { method: _method, ...rest } = manifest.tables[name]!;
        const f = await tableFigures(db.sequelize, snapshotRelation('text-form', name), t);
        tables[name] = { ...rest, ...f };
      }
    });
    await db.sequelize.query(
      `UPDATE authshift_snapshots.manifest SET tables = :tables::jsonb WHERE label = 'text-form'`,
      { replacements: { tables: JSON.stringify(tables) } },
    );
    expect(await snapshots.verify('text-form')).to.deep.equal([]);
    expect((await snapshots.restore('text-form')).label).to.equal('text-form');
    await db.sequelize.query(
      `UPDATE authshift_snapshots."text-form__users" SET full_name = 'x' WHERE id = :id`,
      { replacements: { id: data.legacy[1]!.id } },
    );
    expect((await snapshots.verify('text-form'))[0]).to.match(/^users: /);
  });

  it('when a snapshot table is tampered with, then verify names it and restore refuses', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    await snapshots.create('tampered');
    await db.sequelize.query(
      `UPDATE authshift_snapshots."tampered__users" SET full_name = 'x' WHERE id = :id`,
      {
        replacements: { id: data.legacy[1]!.id },
      },
    );
    expect((await snapshots.verify('tampered'))[0]).to.match(/^users: /);
    let error: unknown;
    await snapshots.restore('tampered').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(SnapshotError);
    expect((error as SnapshotError).code).to.equal('SNAPSHOT_CORRUPT');
  });

  it('when the label exists, is invalid or unknown, then create, restore and drop say so', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    await snapshots.create('twice');
    const codes: string[] = [];
    for (const attempt of [
      () => snapshots.create('twice'),
      () => snapshots.create('Bad Label'),
      () => snapshots.restore('nope'),
      () => snapshots.drop('nope'),
    ])
      await attempt().catch((e: SnapshotError) => codes.push(e.code));
    expect(codes).to.deep.equal([
      'SNAPSHOT_EXISTS',
      'SNAPSHOT_LABEL',
      'SNAPSHOT_NOT_FOUND',
      'SNAPSHOT_NOT_FOUND',
    ]);
    await snapshots.drop('twice');
    expect(await snapshots.list()).to.deep.equal([]);
  });

  it('when the schema changed since the snapshot (consolidated), then restore refuses with the reason', async () => {
    const snapshots = createSnapshotService(db.sequelize);
    await snapshots.create('phase-one');
    await db.consolidator().up();
    let error: unknown;
    await snapshots.restore('phase-one').catch((e: unknown) => (error = e));
    expect((error as SnapshotError).code).to.equal('SNAPSHOT_SHAPE');
  });

  it('when addresses differ only by case, then dedupe keeps the oldest account (none confirmed; recency is no signal) and aliases and deactivates the rest', async () => {
    // The one-identity rule changed this: it used to keep the most recently active account.
    const [old] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO users (email, last_login_at) VALUES ('Pat@Example.com', now() - interval '9 days') RETURNING id`,
      { type: QueryTypes.SELECT },
    );
    const [recent] = await db.sequelize.query<{ id: number }>(
      `INSERT INTO users (email, last_login_at) VALUES ('pat@example.com', now() - interval '1 day') RETURNING id`,
      { type: QueryTypes.SELECT },
    );
    const plan = await planDedupe(db.sequelize);
    expect(plan.losers).to.deep.equal([
      {
        id: recent!.id,
        oldEmail: 'pat@example.com',
        newEmail: `pat+dedupe-${recent!.id}@example.com`,
        keeperId: old!.id,
        keeperEmail: 'Pat@Example.com',
        rule: 'oldest',
      },
    ]);
    expect((await applyDedupe(db.sequelize, new Date())).losers).to.deep.equal(plan.losers);
    const rows = await db.sequelize.query<{ email: string; is_active: number }>(
      'SELECT email, is_active FROM users WHERE id IN (:ids) ORDER BY id',
      { type: QueryTypes.SELECT, replacements: { ids: [old!.id, recent!.id] } },
    );
    expect(rows).to.deep.equal([
      { email: 'Pat@Example.com', is_active: 1 },
      { email: `pat+dedupe-${recent!.id}@example.com`, is_active: 0 },
    ]);
    expect((await planDedupe(db.sequelize)).losers).to.deep.equal([]);
  });
});
