/**
 * `npm run snapshot -- create [--label L] | list | verify L | restore L | drop L | prune --keep N`:
 * the reversible snapshot seeder over the user tables (see snapshot-command.ts).
 */
import { createSeeder } from '../db/migrator.js';
import { runCli } from '../lib/cli/run-cli.js';
import { createSnapshotService } from '../snapshot/snapshot-service.js';
import { runSnapshotSeeder } from '../snapshot/snapshot-seeder.js';
import { withCliSession } from './cli-session.js';
import { printEvent } from './print-event.js';
import { runSnapshotCommand, SNAPSHOT_CLI } from './snapshot-command.js';

runCli(SNAPSHOT_CLI, (command) =>
  withCliSession('snapshot', ({ sequelize, databaseUrl, logger }) =>
    runSnapshotCommand(
      {
        snapshots: createSnapshotService(sequelize),
        seed: (label, direction) =>
          runSnapshotSeeder(
            createSeeder({
              sequelize,
              databaseUrl,
              logger,
              params: { label },
              onEvent: printEvent,
            }),
            direction,
          ),
        print: (line) => console.log(line),
        now: () => new Date(),
      },
      command,
    ),
  ),
);
