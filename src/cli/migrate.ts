/** `npm run migrate -- status|up|down|pending|executed|create NAME` (see migrate-command.ts). */
import { createMigrator } from '../db/migrator.js';
import { runCli } from '../lib/cli/run-cli.js';
import { withCliSession } from './cli-session.js';
import { MIGRATE_CLI, runMigrateCommand } from './migrate-command.js';
import { printEvent } from './print-event.js';

runCli(MIGRATE_CLI, (command) =>
  withCliSession('migrate', ({ sequelize, databaseUrl, logger }) =>
    runMigrateCommand(
      createMigrator({ sequelize, databaseUrl, logger, onEvent: printEvent }),
      command,
      (line) => console.log(line),
    ),
  ),
);
