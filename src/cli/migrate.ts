/**
 * `npm run migrate -- up|down|status|pending|executed|create --name NAME`: umzug's CLI over
 * migrations/, under the migration advisory lock. `status` lists applied and pending together.
 */
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { createMigrator } from '../db/migrator.js';
import { createSequelize } from '../db/sequelize.js';
import { createLogger } from '../lib/logger.js';
import { printEvent } from './print-event.js';
import { runCli } from './run-cli.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    name: 'migrate',
  });
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 2, logger });
  const migrator = createMigrator({
    sequelize,
    databaseUrl: database.url,
    logger,
    onEvent: printEvent,
  });
  try {
    const argv = process.argv.slice(2);
    if (argv[0] === 'status' || argv.length === 0) {
      const [executed, pending] = await Promise.all([migrator.executed(), migrator.pending()]);
      for (const m of executed) console.log(`applied  ${m.name}`);
      for (const m of pending) console.log(`pending  ${m.name}`);
      console.log(`${executed.length} applied, ${pending.length} pending`);
      return 0;
    }
    // umzug's CLI wants `create --name X.ts`; accept the friendlier `create X` too.
    if (argv[0] === 'create' && argv[1] && !argv[1].startsWith('-'))
      argv.splice(1, 1, '--name', argv[1]);
    const nameAt = argv.indexOf('--name') + 1;
    if (argv[0] === 'create' && nameAt > 0 && argv[nameAt] && !/\.ts$/.test(argv[nameAt])) {
      argv[nameAt] = `${argv[nameAt]}.ts`;
    }
    return (await migrator.runAsCLI(argv)) ? 0 : 1;
  } finally {
    await sequelize.close();
    await database.stop();
  }
});
