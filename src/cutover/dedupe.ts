import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * Resolves e-mail addresses held by several accounts that differ only by case (the legacy quirk),
 * which must be gone before the case-insensitive unique index. One rule, documented in the
 * README: per address, the most recently active account keeps it (latest `last_login_at`, then
 * latest `updated_at`, then the highest id); every other one gets a unique alias address
 * (`local+dedupe-<id>@domain`), is deactivated (both engines refuse it), and is listed in the
 * report so support can contact the person. The caller takes a snapshot first.
 */
export interface DedupeEntry {
  id: number;
  oldEmail: string;
  newEmail: string;
  keeperId: number;
  keeperEmail: string;
}

const PLAN_SQL = `
  WITH ranked AS (
    SELECT id, email, lower(email) AS address,
           row_number() OVER (PARTITION BY lower(email)
                              ORDER BY last_login_at DESC NULLS LAST, updated_at DESC, id DESC) AS rank
      FROM users
     WHERE lower(email) IN (SELECT lower(email) FROM users GROUP BY 1 HAVING count(*) > 1))
  SELECT l.id, l.email AS "oldEmail",
         left(split_part(l.email, '@', 1), 160) || '+dedupe-' || l.id || '@' || split_part(l.email, '@', 2) AS "newEmail",
         k.id AS "keeperId", k.email AS "keeperEmail"
    FROM ranked l JOIN ranked k ON k.address = l.address AND k.rank = 1
   WHERE l.rank > 1
   ORDER BY l.address, l.id`;

export async function planDedupe(sequelize: Sequelize): Promise<DedupeEntry[]> {
  return sequelize.query<DedupeEntry>(PLAN_SQL, { type: QueryTypes.SELECT });
}

/** Applies the plan in one transaction (all or nothing); returns what was changed. */
export async function applyDedupe(sequelize: Sequelize, now: Date): Promise<DedupeEntry[]> {
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE', { transaction });
    const plan = await sequelize.query<DedupeEntry>(PLAN_SQL, {
      type: QueryTypes.SELECT,
      transaction,
    });
    for (const entry of plan) {
      // '0' fits the SMALLINT of phase 1 and the BOOLEAN of phase 2.
      await sequelize.query(
        `UPDATE users SET email = :email, is_active = '0', updated_at = :now WHERE id = :id`,
        { replacements: { email: entry.newEmail, id: entry.id, now }, transaction },
      );
      await sequelize.query(
        `UPDATE fu_users SET email = :email, is_active = false, updated_at = :now WHERE legacy_user_id = :id`,
        { replacements: { email: entry.newEmail, id: entry.id, now }, transaction },
      );
    }
    return plan;
  });
}
