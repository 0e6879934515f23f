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
 *
 * One pass over users (counts, missing UUIDs, flags that contradict the legacy columns) and one
 * join pass over the complete side (pairs and column checksums). UUID uniqueness is what the
 * valid unique index on users.uuid guarantees, so it is read from the catalog, not re-counted by
 * a sort of every UUID.
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
      const [users] = await select<Record<string, string>>(`
        SELECT count(*) AS users, count(*) FILTER (WHERE fu_linked) AS linked,
               count(*) FILTER (WHERE uuid IS NULL) AS without_uuid,
               count(*) FILTER (WHERE NOT fu_linked
                   AND (is_superuser <> (role = 'admin')
                        OR is_verified <> (email_confirmed_at IS NOT NULL))) AS misderived
          FROM users`);
      const [unique] = await select<{ ok: boolean }>(`
        SELECT EXISTS (
          SELECT 1 FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'uuid'
           WHERE i.indrelid = 'users'::regclass AND i.indisunique AND i.indisvalid
             AND i.indpred IS NULL AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS ok`);
      const sums = MAPPED.flatMap(([fu, users], i) => [
        `COALESCE(sum(hashtextextended((f.${fu})::text, 0)), 0)::text AS f${i}`,
        `COALESCE(sum(hashtextextended((${users.replace(/\b(uuid|email|fu_hashed_password|hashed_password|is_active|is_superuser|is_verified|id)\b/g, 'u.$1')})::text, 0)), 0)::text AS u${i}`,
      ]);
      const pairs = `count(*) FILTER (WHERE u.id = f.legacy_user_id AND u.uuid = f.id AND u.fu_linked) AS paired`;
      const [s] = await select<Record<string, string>>(
        direction === 'cutover'
          ? `SELECT count(*) AS fu_users, ${pairs}, ${sums.join(', ')}
               FROM fu_users f LEFT JOIN users u ON u.id = f.legacy_user_id`
          : `SELECT (SELECT count(*) FROM fu_users) AS fu_users, ${pairs}, ${sums.join(', ')}
               FROM users u LEFT JOIN fu_users f ON f.id = u.uuid WHERE u.fu_linked`,
      );
      const counts = Object.fromEntries(
        Object.entries({
          ...users,
          fu_users: s?.fu_users,
          paired: s?.paired,
        }).map(([k, v]) => [k, Number(v ?? 0)]),
      );
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
      if (!unique?.ok) problems.push('no valid unique index on users.uuid');
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
