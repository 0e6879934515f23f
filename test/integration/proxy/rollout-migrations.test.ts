import { expect } from 'chai';
import pg from 'pg';
import { createMigrator } from '../../../src/db/migrator.js';
import { createSequelize } from '../../../src/db/sequelize.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { scratchDatabase } from '../../helpers/database.js';
import { dumpSchema } from '../../helpers/schema-dump.js';

const FIRST = '2026.02.01T00.00.00.create-rollout-policy';

async function rolloutObjects(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'rollout%'
       UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'authshift_%'
       ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('rollout migrations', () => {
  it('when the rollout migrations are reverted, then nothing of theirs is left, and up again restores the same schema', async () => {
    const scratch = await scratchDatabase();
    const logger = silentLogger();
    const sequelize = createSequelize({ url: scratch.url, poolMax: 2, logger });
    try {
      const migrator = createMigrator({ sequelize, databaseUrl: scratch.url, logger });
      await migrator.up();
      const full = await dumpSchema(scratch.url, { exclude: ['migration_meta'] });
      expect(await rolloutObjects(scratch.url)).to.include.members([
        'rollout_policy',
        'rollout_audit',
        'rollout_assignments',
        'authshift_rollout_bucket',
        'authshift_rollout_decide',
        'authshift_rollout_kill',
      ]);
      await migrator.down({ to: FIRST });
      expect(await rolloutObjects(scratch.url)).to.deep.equal([]);
      await migrator.up();
      expect(await dumpSchema(scratch.url, { exclude: ['migration_meta'] })).to.deep.equal(full);
      const [rows] = await sequelize.query('SELECT version, updated_by FROM rollout_policy');
      expect(rows).to.deep.equal([{ version: '1', updated_by: 'migration' }]);
    } finally {
      await sequelize.close();
      await scratch.drop();
    }
  });
});
