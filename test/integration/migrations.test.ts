import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { createMigrator } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { migrationName } from '../../src/db/umzug-runner.js';
import { silentLogger } from '../../src/lib/logger.js';
import { scratchDatabase } from '../helpers/database.js';
import { dumpSchema, publicTables } from '../helpers/schema-dump.js';

const logger = silentLogger();
const META = ['migration_meta'];

describe('migrations (umzug)', () => {
  let scratch: { url: string; drop(): Promise<void> };
  const open: Sequelize[] = [];
  const connect = (url = scratch.url) => {
    const sequelize = createSequelize({ url, poolMax: 3, logger });
    open.push(sequelize);
    return sequelize;
  };

  beforeEach(async () => {
    scratch = await scratchDatabase();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await scratch.drop();
  });

  it('when migrated up, down to zero and up again, then the schema is identical and down leaves nothing', async () => {
    const migrator = createMigrator({ sequelize: connect(), databaseUrl: scratch.url, logger });
    await migrator.up();
    const first = await dumpSchema(scratch.url, { exclude: META });
    expect(first.some((line) => line.startsWith('column users.email'))).to.equal(true);
    expect(await migrator.pending()).to.deep.equal([]);

    await migrator.down({ to: 0 });
    expect(await publicTables(scratch.url)).to.deep.equal(['migration_meta']);
    expect(await migrator.executed()).to.deep.equal([]);

    await migrator.up();
    expect(await dumpSchema(scratch.url, { exclude: META })).to.deep.equal(first);
  });

  it('when migrations are recorded, then their names carry no file extension', async () => {
    const migrator = createMigrator({ sequelize: connect(), databaseUrl: scratch.url, logger });
    await migrator.up();
    const names = (await migrator.executed()).map((m) => m.name);
    expect(names).to.include('2026.01.01T00.00.00.create-users');
    expect(names.filter((n) => /\.(ts|js)$/.test(n))).to.deep.equal([]);
    expect(migrationName('/x/dist/migrations/a.b.js')).to.equal(
      migrationName('/x/migrations/a.b.ts'),
    );
  });

  it('when two runners migrate at once, then each migration is applied exactly once', async () => {
    const events: string[] = [];
    const runner = () =>
      createMigrator({
        sequelize: connect(),
        databaseUrl: scratch.url,
        logger,
        onEvent: (e) => e.event === 'migrated' && events.push(String(e.name)),
      });
    const [a, b] = await Promise.all([runner().up(), runner().up()]);
    const applied = [...a, ...b].map((m) => m.name).sort();
    expect(applied).to.deep.equal([...new Set(applied)]);
    expect(events.sort()).to.deep.equal(applied);
    const [{ count }] = (
      await connect().query('SELECT count(*)::int AS count FROM migration_meta')
    )[0] as [{ count: number }];
    expect(count).to.equal(applied.length);
  });

  describe('with a folder of test migrations', () => {
    let folder: string;
    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'authshift-migrations-'));
      const runner = fileURLToPath(new URL('../../src/db/umzug-runner.js', import.meta.url));
      const header = `import type { Migration } from ${JSON.stringify(runner)};\n`;
      await writeFile(
        path.join(folder, '001.first.ts'),
        `${header}export const up: Migration = async ({ context: { query } }) => { await query('CREATE TABLE first_t (id int)'); };
export const down: Migration = async ({ context: { query } }) => { await query('DROP TABLE first_t'); };\n`,
      );
      await writeFile(
        path.join(folder, '002.throws.ts'),
        `${header}export const up: Migration = async ({ context: { query } }) => {
  await query('CREATE TABLE half_done (id int)');
  await query('INSERT INTO half_done VALUES (1)');
  throw new Error('boom in the middle');
};
export const down: Migration = async () => {};\n`,
      );
    });
    after(() => rm(folder, { recursive: true, force: true }));

    it('when a migration throws half-way, then its changes and its record are both absent', async () => {
      const migrator = createMigrator({
        sequelize: connect(),
        databaseUrl: scratch.url,
        logger,
        folder,
      });
      let failure: unknown;
      await migrator.up().catch((error: unknown) => (failure = error));
      expect(String((failure as Error | undefined)?.message ?? failure)).to.match(
        /boom in the middle/,
      );
      expect(await publicTables(scratch.url)).to.deep.equal(['first_t', 'migration_meta']);
      expect((await migrator.executed()).map((m) => m.name)).to.deep.equal(['001.first']);
      expect((await migrator.pending()).map((m) => m.name)).to.deep.equal(['002.throws']);
    });
  });
});
