import type { Migration } from '../src/db/migrator.js';
import { createSnapshotService } from '../src/snapshot/snapshot-service.js';

/**
 * The reversible snapshot seeder (invariant 5). `up` captures the user tables under
 * `--label` (params.label); `down` restores that snapshot, re-verified by checksum, keeping the
 * accounts and password changes made after it. Run through `npm run snapshot`, which re-runs it
 * once per label; it manages its own REPEATABLE READ transaction.
 */
export const transactional = false;

const labelOf = (params: Readonly<Record<string, string>>): string => {
  if (!params.label)
    throw new Error('the snapshot seeder needs a label (npm run snapshot -- create --label L)');
  return params.label;
};

export const up: Migration = async ({ context: { sequelize, params, log } }) => {
  const manifest = await createSnapshotService(sequelize).create(labelOf(params));
  for (const [table, figures] of Object.entries(manifest.tables))
    log(`snapshot ${manifest.label}: ${table} ${figures.rows} rows, checksum ${figures.checksum}`);
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  const report = await createSnapshotService(sequelize).restore(labelOf(params));
  log(
    `restored ${report.label}: rewritten ${JSON.stringify(report.rewritten)}, kept newer ${JSON.stringify(report.keptNewer)}, password changes re-applied ${report.passwordChangesReapplied}`,
  );
};
