import type { AppDeps } from '../deps.js';
import { errorMessage } from '../lib/error-message.js';
import { createSnapshotKeeper } from '../snapshot/snapshot-keeper.js';
import { defaultSnapshotLabel } from '../snapshot/snapshot-seeder.js';

/** The snapshot a data-changing user command takes first (origin dedupe or reconcile). */
export function takeAutomaticSnapshot(
  deps: AppDeps,
  origin: 'dedupe' | 'reconcile',
  print: (line: string) => void,
): Promise<string> {
  const keeper = createSnapshotKeeper({
    sequelize: deps.sequelize,
    databaseUrl: deps.databaseUrl,
    logger: deps.logger,
    keepAutomatic: deps.config.snapshots.keepAutomatic,
  });
  const label = defaultSnapshotLabel(deps.clock.now(), `pre-${origin}`);
  return keeper.takeAutomatic(label, origin).then((detail) => {
    print(`${detail} taken`);
    return label;
  });
}

/** A failure that cannot change the outcome: logged and printed, never swallowed. */
export function cliWarn(deps: AppDeps, print: (line: string) => void) {
  return (what: string, error: unknown) => {
    deps.logger.warn({ err: error }, `${what} failed`);
    print(`warning: ${what} failed: ${errorMessage(error)}`);
  };
}
