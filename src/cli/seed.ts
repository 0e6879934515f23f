/** `npm run seed -- status | demo [--count N] | undo demo` (see seed-command.ts). */
import { createSeeder } from '../db/migrator.js';
import { runCli } from '../lib/cli/run-cli.js';
import { createSnapshotService } from '../snapshot/snapshot-service.js';
import { withCliSession } from './cli-session.js';
import { printEvent } from './print-event.js';
import { runSeedCommand, SEED_CLI, seedParams } from './seed-command.js';

runCli(SEED_CLI, (command) =>
  withCliSession('seed', ({ sequelize, databaseUrl, logger }) =>
    runSeedCommand(
      createSeeder({
        sequelize,
        databaseUrl,
        logger,
        params: seedParams(command),
        onEvent: printEvent,
      }),
      command,
      (line) => console.log(line),
      async () => (await createSnapshotService(sequelize).list()).length,
    ),
  ),
);
