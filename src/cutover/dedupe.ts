import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { CliError } from '../lib/cli/cli-error.js';
import { EXIT } from '../lib/cli/exit-codes.js';
import { excludeCutover } from '../db/cutover-exclusion.js';
import { lockAddress, sameAddress } from '../users/address-claim.js';
import { findDuplicateGroups, type DuplicateGroup } from './duplicate-groups.js';

/**
 * Resolves addresses held by several legacy accounts (the legacy case quirk, and spellings that
 * are the same canonical address), which must be gone before consolidation's unique index. The
 * keeper is chosen by duplicate-groups.ts; every other account of the group (a loser) gets a
 * unique alias address (`local+dedupe-<id>@domain`, `…-<id>-2@…` when someone holds that) and is deactivated on both engines, and the
 * caller notifies it by e-mail and lists it in the report. The caller takes a snapshot first.
 */
export interface DedupeLoser {
  id: number;
  oldEmail: string;
  newEmail: string;
  keeperId: number;
  keeperEmail: string;
  rule: DuplicateGroup['rule'];
}

export interface DedupePlan {
  groups: DuplicateGroup[];
  losers: DedupeLoser[];
  /** Groups left alone until an operator names the keeper. */
  ambiguous: DuplicateGroup[];
}

export function aliasFor(email: string, id: number, attempt = 1): string {
  const at = email.lastIndexOf('@');
  const suffix = attempt > 1 ? `-${attempt}` : '';
  return `${email.slice(0, at).slice(0, 160)}+dedupe-${id}${suffix}@${email.slice(at + 1)}`;
}

/**
 * The first alias of `loser` that no other account holds (canonical form, either table), with
 * the address locked like every write that gives an address. The alias is guessable (the loser's
 * id is shown to its owner): taking it blindly made a new twin of whoever registered it first, and
 * the next dedupe could hand that address to the deactivated loser.
 */
async function freeAlias(
  sequelize: Sequelize,
  loser: DedupeLoser,
  transaction: Transaction,
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const alias = aliasFor(loser.oldEmail, loser.id, attempt);
    await lockAddress(sequelize, alias, transaction);
    const [row] = await sequelize.query<{ taken: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE ${sameAddress('email')} AND id <> $id)
           OR (to_regclass('fu_users') IS NOT NULL AND EXISTS (
                SELECT 1 FROM fu_users WHERE ${sameAddress('email')}
                   AND legacy_user_id IS DISTINCT FROM $id)) AS taken`,
      { bind: { email: alias, id: loser.id }, transaction, type: QueryTypes.SELECT },
    );
    if (!row?.taken) return alias;
  }
}

function planOf(groups: DuplicateGroup[]): DedupePlan {
  const losers = groups.flatMap((group) => {
    const keeper = group.members.find((m) => m.id === group.keeperId);
    if (!keeper) return [];
    return group.members
      .filter((m) => m !== keeper)
      .map((m) => ({
        id: m.id,
        oldEmail: m.email,
        newEmail: aliasFor(m.email, m.id),
        keeperId: keeper.id,
        keeperEmail: keeper.email,
        rule: group.rule,
      }));
  });
  return { groups, losers, ambiguous: groups.filter((g) => g.keeperId === undefined) };
}

/** Refuses a --keep that does not name a confirmed account of an ambiguous group. */
function checkChoices(groups: DuplicateGroup[], keep: readonly number[]): void {
  for (const id of keep) {
    const group = groups.find((g) => g.members.some((m) => m.id === id));
    const member = group?.members.find((m) => m.id === id);
    if (!group?.ambiguous || !member?.confirmed)
      throw new CliError(
        EXIT.usage,
        `--keep ${id} is not a confirmed account of an ambiguous group (the rule decides every other group); nothing was changed`,
      );
  }
}

export async function planDedupe(
  sequelize: Sequelize,
  options: { keep?: readonly number[] } = {},
): Promise<DedupePlan> {
  const groups = await findDuplicateGroups(sequelize, options);
  checkChoices(groups, options.keep ?? []);
  return planOf(groups);
}

/** Applies the plan in one transaction (all or nothing); returns what was changed. */
export async function applyDedupe(
  sequelize: Sequelize,
  now: Date,
  options: { keep?: readonly number[] } = {},
): Promise<DedupePlan> {
  return sequelize.transaction(async (transaction) => {
    await excludeCutover(sequelize, transaction, 'dedupe --apply');
    await sequelize.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE', { transaction });
    const groups = await findDuplicateGroups(sequelize, { ...options, transaction });
    checkChoices(groups, options.keep ?? []);
    const plan = planOf(groups);
    for (const loser of plan.losers) {
      loser.newEmail = await freeAlias(sequelize, loser, transaction);
      const replacements = { email: loser.newEmail, id: loser.id, now };
      // '0' fits the SMALLINT of phase 1 and the BOOLEAN of phase 2.
      await sequelize.query(
        `UPDATE users SET email = :email, is_active = '0', updated_at = :now WHERE id = :id`,
        { replacements, transaction },
      );
      await sequelize.query(
        `UPDATE fu_users SET email = :email, is_active = false, updated_at = :now WHERE legacy_user_id = :id`,
        { replacements, transaction, type: QueryTypes.UPDATE },
      );
      // A loser is deactivated: its sessions end on both engines, in this transaction.
      await sequelize.query('SELECT authshift_end_sessions(:id)', { replacements, transaction });
    }
    return plan;
  });
}
