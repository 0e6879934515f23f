import { QueryTypes, Transaction, type Sequelize } from 'sequelize';

/**
 * Every `fu_users` column and the `users` expression it is stored as in phase 2. The checksums of
 * each pair must agree (cutover: fu_users → users; rollback: users → fu_users).
 */
const MAPPED: [fu: string, users: string][] = [
  ['id', 'uuid'],
  ['email', 'email'],
  ['hashed_password', `COALESCE(fu_hashed_password, hashed_password, '')`],
  ['is_active', 'is_active'],
  ['is_superuser', 'is_superuser'],
  ['is_verified', 'is_verified'],
  ['legacy_user_id', 'id'],
];

export interface VerificationReport {
  counts: Record<string, number>;
  columns: { column: string; fuUsers: string; users: string }[];
  problems: string[];
}

/**
 * One REPEATABLE READ transaction, so live traffic cannot make the two sides disagree between
 * two statements. `direction` says which side must be complete: after cutover every fu_users row
 * is in users; before a rollback's down every linked users row is in fu_users.
 */
export async function verifyConsolidation(
  sequelize: Sequelize,
  direction: 'cutover' | 'rollback',
): Promise<VerificationReport> {
  return sequelize.transaction(
    { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ, readOnly: true },
    async (transaction) => {
      await sequelize.query(`SET LOCAL TimeZone = 'UTC'`, { transaction });
      const select = <T extends object>(sql: string) =>
        sequelize.query<T>(sql, { type: QueryTypes.SELECT, transaction });
      const [c] = await select<Record<string, string>>(`
        SELECT (SELECT count(*) FROM users) AS users,
               (SELECT count(*) FROM users WHERE fu_linked) AS linked,
               (SELECT count(*) FROM users WHERE uuid IS NULL) AS without_uuid,
               (SELECT count(*) - count(DISTINCT uuid) FROM users) AS duplicate_uuids,
               (SELECT count(*) FROM fu_users) AS fu_users,
               (SELECT count(*) FROM fu_users f JOIN users u
                    ON u.id = f.legacy_user_id AND u.uuid = f.id AND u.fu_linked) AS paired,
               (SELECT count(*) FROM users WHERE NOT fu_linked
                   AND (is_superuser <> (role = 'admin')
                        OR is_verified <> (email_confirmed_at IS NOT NULL))) AS misderived`);
      const counts = Object.fromEntries(Object.entries(c ?? {}).map(([k, v]) => [k, Number(v)]));
      const sums = MAPPED.flatMap(([fu, users], i) => [
        `COALESCE(sum(hashtextextended((f.${fu})::text, 0)), 0)::text AS f${i}`,
        `COALESCE(sum(hashtextextended((${users.replace(/\b(uuid|email|fu_hashed_password|hashed_password|is_active|is_superuser|is_verified|id)\b/g, 'u.$1')})::text, 0)), 0)::text AS u${i}`,
      ]);
      const from =
        direction === 'cutover'
          ? 'fu_users f LEFT JOIN users u ON u.id = f.legacy_user_id'
          : 'users u LEFT JOIN fu_users f ON f.id = u.uuid WHERE u.fu_linked';
      const [s] = await select<Record<string, string>>(`SELECT ${sums.join(', ')} FROM ${from}`);
      const columns = MAPPED.map(([fu], i) => ({
        column: fu,
        fuUsers: s![`f${i}`]!,
        users: s![`u${i}`]!,
      }));
      const problems = columns
        .filter((col) => col.fuUsers !== col.users)
        .map(
          (col) => `checksum of ${col.column} differs: fu_users ${col.fuUsers}, users ${col.users}`,
        );
      if (counts.without_uuid) problems.push(`${counts.without_uuid} users row(s) without uuid`);
      if (counts.duplicate_uuids) problems.push(`${counts.duplicate_uuids} duplicate uuid(s)`);
      if (counts.misderived)
        problems.push(
          `${counts.misderived} legacy-only row(s) with flags that contradict role/email_confirmed_at`,
        );
      const expected = direction === 'cutover' ? counts.fu_users : counts.linked;
      if (counts.paired !== expected)
        problems.push(
          `${counts.paired} paired rows, expected ${expected} (${direction === 'cutover' ? 'fu_users' : 'linked users'})`,
        );
      return { counts, columns, problems };
    },
  );
}
