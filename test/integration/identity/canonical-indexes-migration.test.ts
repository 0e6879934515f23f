import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator } from '../../../src/db/migrator.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { errorChain } from '../../helpers/consolidation.js';
import { scratchDatabase } from '../../helpers/database.js';

const MIGRATION = '2026.05.01T00.00.01.canonical-email-indexes';
const BEFORE = '2026.05.01T00.00.00.canonical-email';

/** The e-mail indexes follow the one identity: `authshift_canonical_email(email)`, not lower(). */
describe('migration: e-mail indexes on the canonical address', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let sequelize: Sequelize;
  beforeEach(async () => {
    scratch = await scratchDatabase();
    sequelize = createSequelize({ url: scratch.url, poolMax: 2, logger: silentLogger() });
  });
  afterEach(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  const migrator = () =>
    createMigrator({ sequelize, databaseUrl: scratch.url, logger: silentLogger() });
  const emailIndexes = async () =>
    Object.fromEntries(
      (
        await sequelize.query<{ indexname: string; indexdef: string }>(
          `SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename IN ('users', 'fu_users')
              AND indexdef ~ '\\(email\\)|email\\)\\)|email\\)::text\\)'
            ORDER BY indexname`,
          { type: QueryTypes.SELECT },
        )
      ).map((row) => [row.indexname, row.indexdef.replace(/ ON public\./, ' ON ')]),
    );
  const insertFu = (email: string) =>
    sequelize.query(
      `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified)
       VALUES (gen_random_uuid(), :email, '', true, false, false)`,
      { replacements: { email } },
    );

  const CANONICAL = {
    fu_users_email_canonical_key:
      'CREATE UNIQUE INDEX fu_users_email_canonical_key ON fu_users USING btree (authshift_canonical_email((email)::text))',
    users_email_canonical_idx:
      'CREATE INDEX users_email_canonical_idx ON users USING btree (authshift_canonical_email((email)::text))',
    users_email_key: 'CREATE UNIQUE INDEX users_email_key ON users USING btree (email)',
  };

  it('when migrated, then users has a plain and fu_users a unique index on the canonical address, and down → up restores each', async () => {
    await migrator().up({ to: BEFORE });
    const old = await emailIndexes();
    expect(Object.keys(old)).to.include.members([
      'fu_users_email_lower_key',
      'users_email_lower_idx',
    ]);

    await migrator().up();
    expect(await emailIndexes()).to.deep.equal(CANONICAL);

    await migrator().down({ to: MIGRATION });
    expect(await emailIndexes()).to.deep.equal(old);
    await migrator().up();
    expect(await emailIndexes()).to.deep.equal(CANONICAL);
  });

  it('when two fu_users rows spell one address differently (IDN, Kelvin sign, case), then the second is refused', async () => {
    await migrator().up();
    await insertFu('kate@bücher.de');
    for (const twin of ['kate@xn--bcher-kva.de', '\u212Aate@bücher.de', 'KATE@BüCHER.de']) {
      let error: unknown;
      await insertFu(twin).catch((e: unknown) => (error = e));
      expect(error, twin).to.have.property('name', 'SequelizeUniqueConstraintError');
    }
  });

  it('when users is looked up by canonical address, then the index serves it', async () => {
    await migrator().up();
    const plan = await sequelize.transaction(async (transaction) => {
      await sequelize.query('SET LOCAL enable_seqscan = off', { transaction });
      const rows = await sequelize.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM users
          WHERE authshift_canonical_email(email) = authshift_canonical_email('Ann@Example.com')`,
        { type: QueryTypes.SELECT, transaction },
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).to.contain('users_email_canonical_idx');
  });

  it('when the database was consolidated before (unique lower(email) on users), then the unique index moves to the canonical address and back', async () => {
    await migrator().up({ to: BEFORE });
    await sequelize.query(`DROP INDEX users_email_lower_idx`);
    await sequelize.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    const old = await emailIndexes();

    await migrator().up();
    expect((await emailIndexes()).users_email_canonical_key).to.equal(
      'CREATE UNIQUE INDEX users_email_canonical_key ON users USING btree (authshift_canonical_email((email)::text))',
    );
    expect(await emailIndexes()).not.to.have.property('users_email_canonical_idx');

    await migrator().down({ to: MIGRATION });
    expect(await emailIndexes()).to.deep.equal(old);
  });

  it('when a consolidated users table holds two spellings of one canonical address, then up fails and names it', async () => {
    await migrator().up({ to: BEFORE });
    await sequelize.query(`DROP INDEX users_email_lower_idx`);
    await sequelize.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await sequelize.query(
      `INSERT INTO users (email) VALUES ('u@bücher.de'), ('u@xn--bcher-kva.de')`,
    );
    let error: unknown;
    await migrator()
      .up()
      .catch((e: unknown) => (error = e));
    expect(errorChain(error)).to.contain(
      'users holds addresses spelled more than one way (u@xn--bcher-kva.de)',
    );
    expect(errorChain(error)).to.contain('npm run users -- dedupe');
    expect(await emailIndexes()).to.have.property('users_email_lower_key');
  });

  it('when fu_users holds two spellings of one canonical address (IDN, NFC), then up fails, names them and changes nothing', async () => {
    await migrator().up({ to: BEFORE });
    for (const email of [
      'u@bücher.de',
      'u@xn--bcher-kva.de',
      'jos\u00e9@x.com',
      'jose\u0301@x.com',
    ])
      await insertFu(email);
    const before = await emailIndexes();
    let error: unknown;
    await migrator()
      .up()
      .catch((e: unknown) => (error = e));
    expect(errorChain(error)).to.contain(
      'fu_users holds addresses spelled more than one way (jos\u00e9@x.com, u@xn--bcher-kva.de)',
    );
    expect(await emailIndexes()).to.deep.equal(before);
  });
});
