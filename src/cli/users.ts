/**
 * `npm run users -- create|promote|deactivate|list …`: user administration on the new engine,
 * against DATABASE_URL (or the embedded PostgreSQL). See users-command.ts for the commands.
 */
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { buildDeps } from '../deps.js';
import { createLogger } from '../lib/logger.js';
import { runCli } from './run-cli.js';
import { runUsersCommand } from './users-command.js';
import { runDedupeCommand } from './dedupe-command.js';

runCli(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', name: 'users' });
  const database = await resolveDatabase(config, logger);
  const deps = buildDeps(config, database.url, { logger });
  try {
    await deps.fuAuth.userStore.start();
    if (process.argv[2] === 'dedupe')
      return await runDedupeCommand(deps, process.argv.slice(3), (line) => console.log(line));
    return await runUsersCommand(deps, process.argv.slice(2), (line) => console.log(line));
  } finally {
    await deps.close();
    await database.stop();
  }
});
