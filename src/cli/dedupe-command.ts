import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyDedupe, planDedupe, type DedupeEntry } from '../cutover/dedupe.js';
import { createSeeder } from '../db/migrator.js';
import type { AppDeps } from '../deps.js';
import { defaultSnapshotLabel, runSnapshotSeeder } from '../snapshot/snapshot-seeder.js';

/**
 * `npm run users -- dedupe [--apply] [--report FILE]`: without --apply, prints the plan; with it,
 * takes a snapshot (`pre-dedupe-…`), applies the rule (see cutover/dedupe.ts) and writes the
 * support report (JSON) next to the data directory. Exit code 0 either way.
 */
export async function runDedupeCommand(
  deps: AppDeps,
  argv: string[],
  print: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { apply: { type: 'boolean', default: false }, report: { type: 'string' } },
  });
  const show = (e: DedupeEntry) =>
    `  id=${e.id} ${e.oldEmail} -> ${e.newEmail} (deactivated; ${e.keeperEmail} id=${e.keeperId} keeps the address)`;
  if (!values.apply) {
    const plan = await planDedupe(deps.sequelize);
    print(`dedupe plan: ${plan.length} account(s) would be renamed and deactivated`);
    plan.forEach((e) => print(show(e)));
    if (plan.length > 0) print('run again with --apply to apply it (a snapshot is taken first)');
    return 0;
  }
  const now = deps.clock.now();
  const label = defaultSnapshotLabel(now, 'pre-dedupe');
  await runSnapshotSeeder(
    createSeeder({
      sequelize: deps.sequelize,
      databaseUrl: deps.databaseUrl,
      logger: deps.logger,
      params: { label },
    }),
    'up',
  );
  print(`snapshot ${label} taken`);
  const applied = await applyDedupe(deps.sequelize, now);
  const file =
    values.report ??
    path.join(deps.config.database.embedded.dataDir, 'reports', `dedupe-${label}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ snapshot: label, at: now.toISOString(), accounts: applied }, null, 2)}\n`,
  );
  print(`deduplicated ${applied.length} account(s); report for support: ${file}`);
  applied.forEach((e) => print(show(e)));
  return 0;
}
