import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator } from '../../../src/db/migrator.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { scratchDatabase } from '../../helpers/database.js';

const FIRST_FU_MIGRATION = '2026.02.01T00.00.00.create-fu-users';
const FU_TABLES = ['fu_access_tokens', 'fu_facade_sessions', 'fu_rate_limits', 'fu_users'];

/** Invariant 4 for this migrations: up → down → up leaves schema and legacy data intact. */
describe('fu-auth migrations', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let sequelize: Sequelize;
  before(async () => {
    scratch = await scratchDatabase();
    sequelize = createSequelize({ url: scratch.url, poolMax: 2, logger: silentLogger() });
  });
  after(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  const migrator = () =>
    createMigrator({ sequelize, databaseUrl: scratch.url, logger: silentLogger() });
  const tables = async () =>
    (
      await sequelize.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'fu\\_%' ORDER BY tablename`,
        { type: QueryTypes.SELECT },
      )
    ).map((row) => row.tablename);
  const indexes = async () =>
    (
      await sequelize.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
        { type: QueryTypes.SELECT },
      )
    ).map((row) => row.indexname);

  it('when migrated up, down past the fu-auth steps and up again, then the schema matches and legacy rows survive', async () => {
    await migrator().up();
    expect(await tables()).to.deep.equal(FU_TABLES);
    const before = await indexes();
    expect(before).to.include.members([
      'fu_users_email_canonical_key',
      'users_email_canonical_idx',
    ]);
    await sequelize.query(
      `INSERT INTO users (email, hashed_password) VALUES ('keep@example.com', NULL)`,
    );
    await sequelize.query(
      `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
       SELECT gen_random_uuid(), email, '', true, false, false, id FROM users`,
    );

    await migrator().down({ to: FIRST_FU_MIGRATION });
    expect(await tables()).to.deep.equal([]);
    const left = await indexes();
    expect(left).to.not.include('users_email_lower_idx');
    expect(left).to.not.include('users_email_canonical_idx');
    const [kept] = await sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM users`, {
      type: QueryTypes.SELECT,
    });
    expect(Number(kept!.n)).to.equal(1);

    await migrator().up();
    expect(await tables()).to.deep.equal(FU_TABLES);
    expect(await indexes()).to.deep.equal(before);
  });

  it("when a legacy row is deleted, then its fu_users twin and that twin's tokens go with it (cascade)", async () => {
    await migrator().up();
    await sequelize.query(`INSERT INTO users (email) VALUES ('cascade@example.com')`);
    await sequelize.query(
      `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
       SELECT '5016eede-6493-48fb-b82b-f31a6ca7dd55', email, '', true, false, false, id FROM users WHERE email = 'cascade@example.com'`,
    );
    await sequelize.query(
      `INSERT INTO fu_access_tokens (token, user_id) VALUES (repeat('a', 43), '5016eede-6493-48fb-b82b-f31a6ca7dd55')`,
    );
    await sequelize.query(`DELETE FROM users WHERE email = 'cascade@example.com'`);
    const [left] = await sequelize.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM fu_users WHERE email = 'cascade@example.com') + (SELECT count(*) FROM fu_access_tokens) AS n`,
      { type: QueryTypes.SELECT },
    );
    expect(Number(left!.n)).to.equal(0);
  });
});
