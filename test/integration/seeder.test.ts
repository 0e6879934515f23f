import { expect } from 'chai';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator, createSeeder } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts.js';
import { DEMO_SEEDER, runDemoSeeder } from '../../src/demo/run-demo-seeder.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createPasswordHasher } from '../../src/passwords/password-hasher.js';
import { scratchDatabase } from '../helpers/database.js';

const logger = silentLogger();

describe('demo-data seeder', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let sequelize: Sequelize;
  const one = async <T extends object>(sql: string) =>
    (await sequelize.query<T>(sql, { type: QueryTypes.SELECT }))[0]!;
  const seeder = (count: number) =>
    createSeeder({ sequelize, databaseUrl: scratch.url, logger, params: { count: String(count) } });

  before(async () => {
    scratch = await scratchDatabase();
    sequelize = createSequelize({ url: scratch.url, poolMax: 2, logger });
    await createMigrator({ sequelize, databaseUrl: scratch.url, logger }).up();
    await runDemoSeeder(seeder(1000));
  });
  after(async () => {
    await sequelize.close();
    await scratch.drop();
  });

  it('when seeded with 1000, then the mix is 1% NULL, 8% pbkdf2, 91% bcrypt, 1% inactive, a few admins', async () => {
    const mix = await one<Record<string, number>>(`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE hashed_password IS NULL)::int AS nulls,
             count(*) FILTER (WHERE hashed_password LIKE '$pbkdf2-sha256$%')::int AS pbkdf2,
             count(*) FILTER (WHERE hashed_password LIKE '$2b$%')::int AS bcrypt,
             count(*) FILTER (WHERE is_active = 0)::int AS inactive,
             count(*) FILTER (WHERE role = 'admin')::int AS admins
        FROM users WHERE email LIKE 'demo-user-%'`);
    expect(mix).to.deep.equal({
      total: 1000,
      nulls: 10,
      pbkdf2: 80,
      bcrypt: 910,
      inactive: 10,
      admins: 1,
    });
  });

  it('when seeded, then a few e-mails differ only by case', async () => {
    const { pairs } = await one<{ pairs: number }>(
      `SELECT count(*)::int AS pairs FROM (SELECT lower(email) FROM users GROUP BY 1 HAVING count(*) > 1) d`,
    );
    expect(pairs).to.equal(5);
  });

  it('when seeded, then admin@example.com and user@example.com log in with the demo password (legacy bcrypt)', async () => {
    const hasher = createPasswordHasher({
      argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      bcryptRounds: 4,
    });
    const rows = await sequelize.query<{ email: string; role: string; hashed_password: string }>(
      `SELECT email, role, hashed_password FROM users WHERE email IN ('admin@example.com', 'user@example.com') ORDER BY email`,
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => [r.email, r.role])).to.deep.equal([
      ['admin@example.com', 'admin'],
      ['user@example.com', 'user'],
    ]);
    for (const row of rows) {
      expect(row.hashed_password).to.match(/^\$2b\$12\$/);
      expect(await hasher.verify(DEMO_PASSWORD, row.hashed_password)).to.equal(true);
    }
    const pbkdf2 = await one<{ hashed_password: string }>(
      `SELECT hashed_password FROM users WHERE hashed_password LIKE '$pbkdf2%' LIMIT 1`,
    );
    expect(await hasher.verify(DEMO_PASSWORD, pbkdf2.hashed_password)).to.equal(true);
  });

  it('when seeded twice, then the rows are the same, and the sequence still hands out fresh ids', async () => {
    const fingerprint = `SELECT count(*)::int AS n, md5(string_agg(id || email || coalesce(hashed_password, ''), ',' ORDER BY id)) AS sum FROM users`;
    const before = await one<{ n: number; sum: string }>(fingerprint);
    await runDemoSeeder(seeder(1000));
    expect(await one<{ n: number; sum: string }>(fingerprint)).to.deep.equal(before);
    const { id } = await one<{ id: number }>(
      `INSERT INTO users (email) VALUES ('after-seed@example.com') RETURNING id`,
    );
    const { max } = await one<{ max: number }>(
      `SELECT max(id)::int AS max FROM users WHERE email <> 'after-seed@example.com'`,
    );
    expect(id).to.be.greaterThan(max);
  });

  it('when the count grows, then only the missing rows are added', async () => {
    await runDemoSeeder(seeder(1200));
    expect(
      (
        await one<{ n: number }>(
          `SELECT count(*)::int AS n FROM users WHERE email LIKE 'demo-user-%'`,
        )
      ).n,
    ).to.equal(1200);
  });

  it('when the count is not a number, then the seeder refuses and changes nothing', async () => {
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM users`);
    let failure: unknown;
    await runDemoSeeder(seeder(Number.NaN)).catch((e: unknown) => (failure = e));
    expect(String(failure)).to.match(/--count must be a whole number/);
    expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM users`)).to.deep.equal(before);
  });

  it('when undone, then exactly the demo rows are removed and other users stay', async () => {
    const s = seeder(1000);
    await s.withLock(() => s.umzug.down({ migrations: [DEMO_SEEDER] }));
    const rows = await sequelize.query<{ email: string }>(`SELECT email FROM users`, {
      type: QueryTypes.SELECT,
    });
    expect(rows.map((r) => r.email)).to.deep.equal(['after-seed@example.com']);
    expect((await s.executed()).map((m) => m.name)).not.to.include(DEMO_SEEDER);
  });
});
