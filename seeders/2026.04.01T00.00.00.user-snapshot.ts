import type { Migration } from '../src/db/migrator.js';
import { SNAPSHOT_ORIGINS, type SnapshotOrigin } from '../src/snapshot/snapshot-manifest.js';
import { createSnapshotService } from '../src/snapshot/snapshot-service.js';

/**
 * The reversible snapshot seeder (invariant 5). `up` captures the user tables under `--label`
 * (params.label; params.origin says which command took it, `manual` by default); `down` restores
 * that snapshot, re-verified by checksum, keeping the accounts and password changes made after
 * it. Run through `npm run snapshot` (and the ops commands), once per label, never recorded as
 * applied; it manages its own REPEATABLE READ transaction.
 */
export const transactional = false;

const labelOf = (params: Readonly<Record<string, string>>): string => {
  if (!params.label)
    throw new Error('the snapshot seeder needs a label (npm run snapshot -- create --label L)');
  return params.label;
};

const originOf = (params: Readonly<Record<string, string>>): SnapshotOrigin =>
  SNAPSHOT_ORIGINS.find((o) => o === params.origin) ?? 'manual';

export const up: Migration = async ({ context: { sequelize, params, log } }) => {
  const manifest = await createSnapshotService(sequelize).create(labelOf(params), originOf(params));
  for (const [table, figures] of Object.entries(manifest.tables))
    log(`snapshot ${manifest.label}: ${table} ${figures.rows} rows, checksum ${figures.checksum}`);
};

export const down: Migration = async ({ context: { sequelize, params, log } }) => {
  const report = await createSnapshotService(sequelize).restore(labelOf(params));
  log(
    `restored ${report.label}: rewritten ${JSON.stringify(report.rewritten)}, kept newer ${JSON.stringify(report.keptNewer)}, password changes re-applied ${report.passwordChangesReapplied}, new-engine rows aligned with their restored twin ${report.twinsAligned}`,
  );
  if (report.leftAsIs.length > 0)
    log(
      `${report.leftAsIs.join(', ')} left as it is: ${report.label} was taken before snapshots captured it`,
    );
  if (report.twinsDisagreeing > 0)
    log(
      `${report.twinsDisagreeing} twin pair(s) disagree as they did when ${report.label} was taken: review with npm run users -- reconcile, apply with --apply`,
    );
};
