/**
 * `npm run users -- create|promote|deactivate|list|dedupe|reconcile …`: user administration on
 * both engines, against DATABASE_URL (or the embedded PostgreSQL). See users-cli.ts.
 */
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { buildDeps } from '../deps.js';
import { runCli } from '../lib/cli/run-cli.js';
import { cliLogger } from './cli-session.js';
import { plainAppError } from './plain-app-error.js';
import { executeUsersCommand } from './users-command.js';
import { USERS_CLI } from './users-cli.js';

runCli(USERS_CLI, async (command) => {
  const config = loadConfig(process.env);
  const logger = cliLogger('users');
  const database = await resolveDatabase(config, logger);
  const deps = buildDeps(config, database.url, { logger });
  try {
    await deps.start();
    return await executeUsersCommand(deps, command, (line) => console.log(line)).catch(
      (error: unknown) => {
        throw plainAppError(error);
      },
    );
  } finally {
    await deps.close();
    await database.stop();
  }
});
