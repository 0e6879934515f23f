import type { UmzugRunner } from '../db/umzug-runner.js';

export const DEMO_SEEDER = '2026.01.01T00.00.00.demo-users';

/** Runs the demo seeder even if it ran before: it is idempotent and `--count` may have grown. */
export async function runDemoSeeder(seeder: UmzugRunner): Promise<void> {
  const executed = (await seeder.executed()).some((m) => m.name === DEMO_SEEDER);
  await seeder.withLock(() =>
    seeder.umzug.up({ migrations: [DEMO_SEEDER], rerun: executed ? 'ALLOW' : 'THROW' }),
  );
}
