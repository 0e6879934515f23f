import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { CliError } from '../lib/cli/cli-error.js';
import { EXIT } from '../lib/cli/exit-codes.js';
import { LOCK_KEYS } from './advisory-lock.js';

/**
 * The ops commands that rewrite the user tables in bulk (snapshot restore, dedupe and reconcile
 * with --apply) must not run while a cutover or rollback moves those tables: a restore rebuilds
 * and swaps `users` as the consolidation does (one swap would discard the other's copy), and a
 * bulk rewrite between the cutover's copy and its checksum comparison fails the cutover. They hold
 * the cutover's lock (src/cutover/ops-lock.ts) for their transaction: neither starts while the
 * other runs, and the command asked for meanwhile is refused as busy, having changed nothing.
 */
export async function excludeCutover(
  sequelize: Sequelize,
  transaction: Transaction,
  what: string,
): Promise<void> {
  const [row] = await sequelize.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_xact_lock(:key) AS ok',
    { replacements: { key: LOCK_KEYS.cutover }, transaction, type: QueryTypes.SELECT },
  );
  if (!row?.ok)
    throw new CliError(
      EXIT.busy,
      `a cutover or rollback is running: ${what} refused, nothing changed; re-run it once that command has ended`,
    );
}
