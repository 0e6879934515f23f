import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * Legacy accounts whose addresses are the same canonical address (authshift_canonical_email:
 * case, Unicode normalisation, IDN domains), and who keeps the address (docs/cutover.md, "Dedupe rule"):
 * SECURITY: only what an attacker cannot produce decides — a confirmed mailbox, else age. The one
 * account with a confirmed e-mail keeps it; with none confirmed, the oldest (created_at, then
 * id). Two or more confirmed: ambiguous, decided only by an operator naming the keeper. Recency
 * (last login, last update) is never a signal: an attacker's case variant can always be newer.
 */
export interface GroupMember {
  id: number;
  email: string;
  confirmed: boolean;
  createdAt: Date;
}

export interface DuplicateGroup {
  address: string;
  members: GroupMember[];
  /** Undefined while the group is ambiguous and no operator chose. */
  keeperId: number | undefined;
  rule: 'confirmed' | 'oldest' | 'operator' | 'ambiguous';
  ambiguous: boolean;
}

interface Row extends GroupMember {
  address: string;
}

export async function findDuplicateGroups(
  sequelize: Sequelize,
  options: { keep?: readonly number[]; transaction?: Transaction } = {},
): Promise<DuplicateGroup[]> {
  const rows = await sequelize.query<Row>(
    `WITH canon AS (SELECT id, email, email_confirmed_at, created_at,
                           authshift_canonical_email(email) AS address FROM users)
     SELECT address, id, email, email_confirmed_at IS NOT NULL AS confirmed, created_at AS "createdAt"
       FROM canon
      WHERE address IN (SELECT address FROM canon GROUP BY address HAVING count(*) > 1)
      ORDER BY address, created_at, id`,
    { type: QueryTypes.SELECT, transaction: options.transaction },
  );
  const groups = new Map<string, GroupMember[]>();
  for (const { address, ...member } of rows)
    groups.set(address, [...(groups.get(address) ?? []), member]);
  return [...groups].map(([address, members]) => decideGroup(address, members, options.keep ?? []));
}

/** The rule, for one group whose members are ordered oldest first. */
export function decideGroup(
  address: string,
  members: GroupMember[],
  keep: readonly number[],
): DuplicateGroup {
  const confirmed = members.filter((m) => m.confirmed);
  if (confirmed.length === 1)
    return { address, members, keeperId: confirmed[0]!.id, rule: 'confirmed', ambiguous: false };
  if (confirmed.length === 0)
    return { address, members, keeperId: members[0]!.id, rule: 'oldest', ambiguous: false };
  const chosen = confirmed.find((m) => keep.includes(m.id));
  return chosen
    ? { address, members, keeperId: chosen.id, rule: 'operator', ambiguous: true }
    : { address, members, keeperId: undefined, rule: 'ambiguous', ambiguous: true };
}

export function describeGroup(group: DuplicateGroup): string {
  const members = group.members
    .map((m) => `id=${m.id} ${m.email}${m.confirmed ? ' (confirmed)' : ''}`)
    .join(', ');
  const outcome = group.keeperId
    ? `keeper id=${group.keeperId} (${group.rule === 'operator' ? "operator's choice" : group.rule})`
    : `AMBIGUOUS: ${group.members.filter((m) => m.confirmed).length} confirmed accounts; name the keeper with npm run users -- dedupe --apply --keep ID`;
  return `${group.address}: ${members} → ${outcome}`;
}
