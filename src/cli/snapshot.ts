/**
 * `npm run snapshot -- create [--label L] | list | verify L | restore L | drop L`: the reversible
 * snapshot seeder over the user tables (DESIGN.md invariant 5). Exit codes: 0 done, 1 failed,
 * 2 usage, 3 `verify` found a snapshot that no longer matches its manifest.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSeeder } from '../db/migrator.js';
import { createSequelize } from '../db/sequelize.js';
import { createLogger } from '../lib/logger.js';
import { createSnapshotService } from '../snapshot/snapshot-service.js';
import { defaultSnapshotLabel, runSnapshotSeeder } from '../snapshot/snapshot-seeder.js';
import { printEvent } from './print-event.js';
import { runCli } from './run-cli.js';

const USAGE =
  'usage: npm run snapshot -- create [--label L] | list | verify L | restore L | drop L';

runCli(async () => {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'warn', name: 'snapshot' });
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: { label: { type: 'string' } },
    allowPositionals: true,
  });
  const [command, labelArg] = positionals;
  const label = labelArg ?? values.label;
  if (!command || !['create', 'list', 'verify', 'restore', 'drop'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  if (['verify', 'restore', 'drop'].includes(command) && !label) {
    console.error(USAGE);
    return 2;
  }
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: 2, logger });
  const snapshots = createSnapshotService(sequelize);
  const seeder = (l: string) =>
    createSeeder({
      sequelize,
      databaseUrl: database.url,
      logger,
      params: { label: l },
      onEvent: printEvent,
    });
  try {
    const started = Date.now();
    const took = () => `${((Date.now() - started) / 1000).toFixed(2)}s`;
    if (command === 'create') {
      const l = label ?? defaultSnapshotLabel(new Date());
      await runSnapshotSeeder(seeder(l), 'up');
      console.log(`snapshot ${l} created in ${took()}`);
    } else if (command === 'list') {
      for (const m of await snapshots.list()) {
        const tables = Object.entries(m.tables)
          .map(([t, f]) => `${t}=${f.rows}`)
          .join(' ');
        console.log(
          `${m.label}  taken ${m.takenAt.toISOString()}  ${tables}${m.restoredAt ? `  restored ${m.restoredAt.toISOString()}` : ''}`,
        );
      }
    } else if (command === 'verify') {
      const problems = await snapshots.verify(label!);
      for (const p of problems) console.log(`MISMATCH ${p}`);
      if (problems.length > 0) return 3;
      console.log(`snapshot ${label} matches its manifest (${took()})`);
    } else if (command === 'restore') {
      await runSnapshotSeeder(seeder(label!), 'down');
      console.log(`snapshot ${label} restored in ${took()}`);
    } else {
      await snapshots.drop(label!);
      console.log(`snapshot ${label} dropped`);
    }
    return 0;
  } finally {
    await sequelize.close();
    await database.stop();
  }
});
