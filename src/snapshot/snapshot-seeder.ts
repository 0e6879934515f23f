import type { UmzugRunner } from '../db/umzug-runner.js';

export const SNAPSHOT_SEEDER = '2026.04.01T00.00.00.user-snapshot';

/**
 * Runs the snapshot seeder's `up` (capture) or `down` (restore) for the label (and origin) the
 * runner was created with (params.label, params.origin), under the seeders' lock. It is never
 * recorded as applied: every label is its own snapshot, and `npm run seed -- status` lists the
 * seeder as per-label instead of applied or pending.
 */
export async function runSnapshotSeeder(
  seeder: UmzugRunner,
  direction: 'up' | 'down',
): Promise<void> {
  await seeder.runUnrecorded(SNAPSHOT_SEEDER, direction);
}

export function defaultSnapshotLabel(now: Date, prefix = 'snap'): string {
  return `${prefix}-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase()}`;
}
