import type { UmzugRunner } from '../db/umzug-runner.js';

export const SNAPSHOT_SEEDER = '2026.04.01T00.00.00.user-snapshot';

/**
 * Runs the snapshot seeder's `up` (capture) or `down` (restore) for the label the runner was
 * created with (params.label). Re-runs are allowed: every label is its own snapshot.
 */
export async function runSnapshotSeeder(
  seeder: UmzugRunner,
  direction: 'up' | 'down',
): Promise<void> {
  await seeder.withLock(() =>
    direction === 'up'
      ? seeder.umzug.up({ migrations: [SNAPSHOT_SEEDER], rerun: 'ALLOW' })
      : seeder.umzug.down({ migrations: [SNAPSHOT_SEEDER], rerun: 'ALLOW' }),
  );
}

export function defaultSnapshotLabel(now: Date, prefix = 'snap'): string {
  return `${prefix}-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase()}`;
}
