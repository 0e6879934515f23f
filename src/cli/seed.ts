/**
 * `npm run seed -- demo [--count N]` (re)runs the demo seeder; `undo demo` removes its rows;
 * `status` lists seeders; anything else goes to umzug's CLI on the seeder instance.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSeeder } from '../db/migrator.js';
import { createSequelize } from '../db/sequelize.js';
import { createLogger } from '../lib/logger.js';
import { printEvent } from './print-event.js';
import { runCli } from './run-cli.js';
import { DEMO_SEEDER, runDemoSeeder } from '../demo/run-demo-seeder.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', name: 'seed' });
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: { count: { type: 'string' } },
    allowPositionals: true,
    strict: false,
  });
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 2, logger });
  const params = typeof values.count === 'string' ? { count: values.count } : undefined;
  const seeder = createSeeder({
    sequelize,
    databaseUrl: database.url,
    logger,
    params,
    onEvent: printEvent,
  });
  try {
    const [command, target] = positionals;
    if (command === 'demo') {
      const started = Date.now();
      await runDemoSeeder(seeder);
      console.log(`demo seed done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      return 0;
    }
    if (command === 'undo' && target === 'demo') {
      await seeder.withLock(() => seeder.umzug.down({ migrations: [DEMO_SEEDER] }));
      return 0;
    }
    if (command === 'status' || command === undefined) {
      const [executed, pending] = await Promise.all([seeder.executed(), seeder.pending()]);
      for (const s of executed) console.log(`applied  ${s.name}`);
      for (const s of pending) console.log(`pending  ${s.name}`);
      return 0;
    }
    return (await seeder.runAsCLI(process.argv.slice(2).filter((a) => !a.startsWith('--count'))))
      ? 0
      : 1;
  } finally {
    await sequelize.close();
    await database.stop();
  }
});
