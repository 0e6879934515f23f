import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { excludeCutover } from '../db/cutover-exclusion.js';
import { reconcileChanges, reconcileTwin, type ReconciledTwin } from './reconcile-rule.js';
import { findDriftedTwins, type DriftedTwin } from './twin-drift.js';

export interface ReconcileEntry {
  twin: DriftedTwin;
  target: ReconciledTwin;
  changes: string[];
  /** Why this pair is left for an operator (its e-mail is held by another account). */
  conflict?: string;
}

async function addressHeldElsewhere(
  sequelize: Sequelize,
  twin: DriftedTwin,
  email: string,
  transaction?: Transaction,
): Promise<boolean> {
  const [row] = await sequelize.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE id <> :legacyId
                      AND authshift_canonical_email(email) = authshift_canonical_email(:email))
         OR EXISTS (SELECT 1 FROM fu_users WHERE id <> :fuId::uuid
                      AND authshift_canonical_email(email) = authshift_canonical_email(:email)) AS held`,
    {
      replacements: { legacyId: twin.legacyId, fuId: twin.fuId, email },
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return row?.held === true;
}

/** What reconciling would do to every pair that disagrees (reads only). */
export async function planReconcile(
  sequelize: Sequelize,
  transaction?: Transaction,
): Promise<ReconcileEntry[]> {
  const twins = await findDriftedTwins(sequelize, { transaction });
  const plan: ReconcileEntry[] = [];
  for (const twin of twins) {
    const target = reconcileTwin(twin);
    const entry: ReconcileEntry = { twin, target, changes: reconcileChanges(twin, target) };
    if (
      twin.legacy.email !== target.email &&
      (await addressHeldElsewhere(sequelize, twin, target.email, transaction))
    )
      entry.conflict = `${target.email} is held by another account: decide which account keeps it (npm run users -- dedupe)`;
    plan.push(entry);
  }
  return plan;
}

/**
 * Applies the rule to every pair without a conflict, in one transaction (all or nothing) that
 * holds off writers of both tables while it re-reads and writes. Returns the plan it applied
 * (conflicts included, unchanged).
 */
export async function applyReconcile(sequelize: Sequelize, now: Date): Promise<ReconcileEntry[]> {
  return sequelize.transaction(async (transaction) => {
    await excludeCutover(sequelize, transaction, 'reconcile --apply');
    await sequelize.query('LOCK TABLE users, fu_users IN SHARE ROW EXCLUSIVE MODE', {
      transaction,
    });
    const plan = await planReconcile(sequelize, transaction);
    for (const entry of plan)
      if (!entry.conflict) await writeTwin(sequelize, entry, now, transaction);
    return plan;
  });
}

async function writeTwin(
  sequelize: Sequelize,
  { twin, target }: ReconcileEntry,
  now: Date,
  transaction: Transaction,
): Promise<void> {
  const values = {
    email: target.email,
    active: target.active,
    superuser: target.superuser,
    verified: target.verified,
    copyHash: target.hash !== undefined,
    hash: target.hash ?? '',
    now,
  };
  // '1'/'0' fit the SMALLINT of phase 1 and a BOOLEAN alike.
  await sequelize.query(
    `UPDATE users SET email = :email, is_active = :activeFlag,
            role = CASE WHEN :superuser THEN 'admin' WHEN role = 'admin' THEN 'user' ELSE role END,
            email_confirmed_at = CASE WHEN :verified THEN COALESCE(email_confirmed_at, :now) END,
            updated_at = :now
      WHERE id = :id`,
    {
      replacements: { ...values, activeFlag: target.active ? '1' : '0', id: twin.legacyId },
      transaction,
    },
  );
  await sequelize.query(
    `UPDATE fu_users SET email = :email, is_active = :active, is_superuser = :superuser,
            is_verified = :verified, hashed_password = CASE WHEN :copyHash THEN :hash ELSE hashed_password END,
            updated_at = :now
      WHERE id = :id`,
    { replacements: { ...values, id: twin.fuId }, transaction },
  );
  // A credential that changed on either side (e-mail, password) or an account made inactive ends
  // the person's sessions on both engines, as any credential change does.
  const credentialChanged = [twin.legacy, twin.fu].some(
    (side) => side.email !== target.email || (side.active && !target.active),
  );
  if (credentialChanged || (target.hash !== undefined && (twin.fu.hash ?? '') !== target.hash))
    await sequelize.query('SELECT authshift_end_sessions(:id)', {
      replacements: { id: twin.legacyId },
      transaction,
    });
}
