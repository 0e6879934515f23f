import type { Migration } from '../src/db/migrator.js';

/**
 * Which command took each snapshot (`manual` for `npm run snapshot -- create`; `cutover`,
 * `dedupe`, `reconcile` for the automatic ones), so retention can drop old automatic snapshots
 * without ever touching one an operator took by hand. Existing snapshots are classified by the
 * label their command gave them (`pre-cutover-…`, `pre-dedupe-…`); any other counts as manual.
 */
export const up: Migration = async ({ context: { query } }) => {
  await query(
    `ALTER TABLE authshift_snapshots.manifest
       ADD COLUMN origin VARCHAR(16) NOT NULL DEFAULT 'manual'
       CHECK (origin IN ('manual', 'cutover', 'dedupe', 'reconcile'))`,
  );
  await query(
    `UPDATE authshift_snapshots.manifest
        SET origin = CASE WHEN label LIKE 'pre-cutover-%' THEN 'cutover' ELSE 'dedupe' END
      WHERE label LIKE 'pre-cutover-%' OR label LIKE 'pre-dedupe-%'`,
  );
};

export const down: Migration = async ({ context: { query } }) => {
  await query(`ALTER TABLE authshift_snapshots.manifest DROP COLUMN origin`);
};
