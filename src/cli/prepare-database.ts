import { QueryTypes } from 'sequelize';
import type { Config } from '../config/load-config.js';
import { createMigrator, createSeeder } from '../db/migrator.js';
import { createSequelize } from '../db/sequelize.js';
import { runDemoSeeder } from '../demo/run-demo-seeder.js';
import type { Logger } from '../lib/logger.js';

/**
 * Before `npm start` runs the services: every migration applied, and demo data in an empty
 * database. SECURITY: never in production, where the demo accounts' published password would be
 * a way in.
 */
export async function prepareDatabase(url: string, config: Config, logger: Logger): Promise<void> {
  const sequelize = createSequelize({ url, poolMax: 2, logger });
  try {
    await createMigrator({ sequelize, databaseUrl: url, logger }).up();
    if (config.env === 'production') return;
    const [row] = await sequelize.query<{ n: string }>('SELECT count(*) AS n FROM users', {
      type: QueryTypes.SELECT,
    });
    if (Number(row?.n) === 0) {
      logger.info('empty database: seeding demo data');
      await runDemoSeeder(createSeeder({ sequelize, databaseUrl: url, logger }));
    }
  } finally {
    await sequelize.close();
  }
}
