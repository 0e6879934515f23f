import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { verifyConsolidation } from '../../../src/cutover/verify-consolidation.js';
import {
  count,
  dataFigures,
  errorChain,
  type Phase1Database,
} from '../../helpers/consolidation.js';
import { seededPhase1, type Phase1Data, type SeededPhase1 } from '../../helpers/phase1-data.js';
import { dumpSchema } from '../../helpers/schema-dump.js';

const META = ['migration_meta', 'consolidation_meta', 'consolidation_progress'];

describe('consolidation migrations (migrations/consolidation)', () => {
  let db: Phase1Database;
  let data: Phase1Data;
  let fixture: SeededPhase1;

  beforeEach(async () => {
    fixture = await seededPhase1();
    ({ db, data } = fixture);
  });
  afterEach(() => fixture.close());

  it('when consolidated up, down and up again with data, then down restores schema and data exactly and up is repeatable', async () => {
    const schema0 = await dumpSchema(db.url, { exclude: META });
    const data0 = await dataFigures(db.sequelize);
    const consolidator = db.consolidator();

    await consolidator.up();
    const schema1 = await dumpSchema(db.url, { exclude: META });
    const report = await verifyConsolidation(db.sequelize, 'cutover');
    expect(report.problems).to.deep.equal([]);
    expect(report.counts.fu_users).to.equal(4); // three registered, one lazily imported
    const [twin] = await db.sequelize.query<{
      uuid: string;
      is_superuser: boolean;
      is_active: boolean;
    }>('SELECT uuid::text, is_superuser, is_active FROM users WHERE id = :id', {
      type: QueryTypes.SELECT,
      replacements: { id: data.fu[1]!.user.legacyUserId },
    });
    expect(twin).to.deep.equal({ uuid: data.fu[1]!.user.id, is_superuser: true, is_active: true });
    expect(
      await count(db.sequelize, `SELECT count(*) AS n FROM users WHERE uuid IS NULL`),
    ).to.equal(0);
    const firstUp = await dataFigures(db.sequelize, ['fu_users', 'fu_access_tokens', 'contacts']);

    await consolidator.down({ to: 0 });
    expect(await dumpSchema(db.url, { exclude: META })).to.deep.equal(schema0);
    expect(await dataFigures(db.sequelize)).to.deep.equal(data0);

    await consolidator.up();
    expect(await dumpSchema(db.url, { exclude: META })).to.deep.equal(schema1);
    // Legacy-only rows get fresh random UUIDs each time; everything else is as after the first up.
    expect(
      await dataFigures(db.sequelize, ['fu_users', 'fu_access_tokens', 'contacts']),
    ).to.deep.equal(firstUp);
    expect((await verifyConsolidation(db.sequelize, 'cutover')).problems).to.deep.equal([]);
  });

  it('when the copy fails half-way, then re-running resumes after the last committed batch and prints done/total', async () => {
    const lines: string[] = [];
    const consolidator = db.consolidator({ batchSize: '50' }, (e) => {
      if (e.event === 'note') lines.push(String(e.name));
    });
    await consolidator.up({ to: '2026.04.01T00.00.01.prepare-users-rebuild' });
    await db.sequelize.query(`
      CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.email LIKE 'bulk-200-%' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db.sequelize.query(
      `CREATE TRIGGER boom BEFORE INSERT ON users__consolidated FOR EACH ROW EXECUTE FUNCTION boom()`,
    );
    let failure: unknown;
    await consolidator.up().catch((error: unknown) => (failure = error));
    expect(errorChain(failure)).to.match(/injected failure/);
    const [progress] = await db.sequelize.query<{ done: string; finished: boolean }>(
      `SELECT done, finished FROM consolidation_progress WHERE job = 'rebuild-users-consolidated'`,
      { type: QueryTypes.SELECT },
    );
    const doneBefore = Number(progress!.done);
    expect(doneBefore).to.be.greaterThan(0);
    expect(progress!.finished).to.equal(false);
    expect(await count(db.sequelize, 'SELECT count(*) AS n FROM users__consolidated')).to.equal(
      doneBefore,
    );

    await db.sequelize.query('DROP TRIGGER boom ON users__consolidated');
    lines.length = 0;
    await consolidator.up();
    const total = await count(db.sequelize, 'SELECT count(*) AS n FROM users');
    expect(lines[0]).to.match(new RegExp(`^rebuild-users-consolidated: ${doneBefore}/\\d+$`));
    expect(lines).to.include(`rebuild-users-consolidated: ${total}/${total}`);
    expect((await verifyConsolidation(db.sequelize, 'cutover')).problems).to.deep.equal([]);
  });

  it('when case-only duplicates exist, then the case-insensitive index step fails and names the address', async () => {
    await db.sequelize.query(
      `INSERT INTO users (email) VALUES ('Dup.Case@example.com'), ('dup.case@example.com')`,
    );
    let failure: unknown;
    await db
      .consolidator()
      .up()
      .catch((error: unknown) => (failure = error));
    expect(errorChain(failure)).to.match(/dup\.case@example\.com/);
  });
});
