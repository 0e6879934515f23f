import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createConsolidator } from '../../../src/consolidation/consolidator.js';
import { createMigrator } from '../../../src/db/migrator.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { scratchDatabase } from '../../helpers/database.js';

const MIGRATION = '2026.06.01T00.00.00.create-oauth-accounts';
const logger = silentLogger();

/** The `oauth_accounts` table: fastapi-users-db-sqlalchemy's columns, a user key that follows the store. */
describe('oauth_accounts migration', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let sequelize: Sequelize;
  beforeEach(async () => {
    scratch = await scratchDatabase();
    sequelize = createSequelize({ url: scratch.url, poolMax: 3, logger });
  });
  afterEach(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  const migrator = () => createMigrator({ sequelize, databaseUrl: scratch.url, logger });
  const select = <T extends object>(sql: string) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const columns = () =>
    select<{ name: string; type: string; nullable: string; length: number | null }>(`
      SELECT column_name AS name, data_type AS type, is_nullable AS nullable,
             character_maximum_length AS length
        FROM information_schema.columns WHERE table_name = 'oauth_accounts' ORDER BY ordinal_position`);
  const fkTarget = async () =>
    (
      await select<{ target: string }>(`
        SELECT confrelid::regclass::text AS target FROM pg_constraint
         WHERE conname = 'oauth_accounts_user_id_fkey'`)
    )[0]?.target;

  it('when migrated, then the table has upstream columns, cascades with its user and is gone after down', async () => {
    await migrator().up();
    expect((await columns()).map((c) => [c.name, c.type, c.nullable, c.length])).to.deep.equal([
      ['id', 'uuid', 'NO', null],
      ['oauth_name', 'character varying', 'NO', 100],
      ['access_token', 'character varying', 'NO', 1024],
      ['expires_at', 'integer', 'YES', null],
      ['refresh_token', 'character varying', 'YES', 1024],
      ['account_id', 'character varying', 'NO', 320],
      ['account_email', 'character varying', 'NO', 320],
      ['user_id', 'uuid', 'NO', null],
    ]);
    expect(await fkTarget()).to.equal('fu_users');
    await sequelize.query(`
      INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified)
      VALUES ('7b0c8f0e-3c6e-4d7a-9a39-3f1f0d2a1111', 'o@example.com', '', true, false, false)`);
    const link = `INSERT INTO oauth_accounts (oauth_name, access_token, account_id, account_email, user_id)
      VALUES ('idp', 'at', 'sub-1', 'o@example.com', '7b0c8f0e-3c6e-4d7a-9a39-3f1f0d2a1111')`;
    await sequelize.query(link);
    // One provider account links to one user only.
    const duplicate = await sequelize.query(link).catch((error: unknown) => error);
    expect(String(duplicate)).to.match(/oauth_accounts_provider_account_key|unique/i);
    await sequelize.query(`DELETE FROM fu_users`);
    expect(await select('SELECT * FROM oauth_accounts')).to.deep.equal([]);

    const executed = (await migrator().executed()).map((m) => m.name);
    const before = executed[executed.indexOf(MIGRATION) - 1]!;
    await migrator().down({ to: MIGRATION });
    expect(await columns()).to.deep.equal([]);
    expect((await migrator().executed()).at(-1)?.name).to.equal(before);
    await migrator().up();
    expect(await fkTarget()).to.equal('fu_users');
  });

  it('when the database was consolidated before this migration ran, then accounts reference users(uuid)', async () => {
    const all = (await migrator().pending()).map((m) => m.name);
    await migrator().up({ to: all[all.indexOf(MIGRATION) - 1]! });
    await createConsolidator({
      sequelize,
      databaseUrl: scratch.url,
      logger,
      params: { batchSize: '50' },
    }).up();
    await migrator().up();
    expect(await fkTarget()).to.equal('users');
    // The consolidation step that moves the key is recorded as done, so a rollback moves it back.
    await createConsolidator({
      sequelize,
      databaseUrl: scratch.url,
      logger,
      params: { batchSize: '50' },
    }).down({ to: 0 });
    expect(await fkTarget()).to.equal('fu_users');
  });
});
