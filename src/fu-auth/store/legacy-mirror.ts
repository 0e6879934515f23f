import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Clock } from '../../lib/clock.js';
import type { FuUserChanges, NewFuUser } from './user-store.js';

/**
 * Keeps the legacy `users` twin of a new-engine user in step (invariant 3), always inside the
 * caller's transaction. Writes `is_active` as '1'/'0', which fits the SMALLINT column of phase 0
 * and the BOOLEAN one after consolidation alike.
 *
 * With write-back off the twin still exists (it is the person's integer id, and it owns their
 * contacts) and is still deleted with the user, but passwords, e-mails and flags stop following:
 * a twin created then has no password, so the legacy engine cannot log in with a stale one.
 */
export function createLegacyMirror({
  sequelize,
  clock,
  writeBack,
}: {
  sequelize: Sequelize;
  clock: Clock;
  writeBack: boolean;
}) {
  return {
    async createTwin(user: NewFuUser, transaction?: Transaction): Promise<number> {
      const now = clock.now();
      const [row] = await sequelize.query<{ id: number }>(
        `INSERT INTO users (email, full_name, hashed_password, is_active, role,
                            email_confirmed_at, created_at, updated_at)
         VALUES ($email, $fullName, $hash, $active, $role, $confirmed, $now, $now)
         RETURNING id`,
        {
          bind: {
            email: user.email,
            fullName: user.fullName ?? null,
            hash: writeBack ? user.legacyHashedPassword : null,
            active: user.isActive ? '1' : '0',
            role: user.isSuperuser ? 'admin' : 'user',
            confirmed: user.isVerified ? now : null,
            now,
          },
          transaction,
          type: QueryTypes.SELECT,
        },
      );
      return row!.id;
    },

    async applyChanges(
      legacyUserId: number,
      changes: FuUserChanges,
      transaction?: Transaction,
    ): Promise<void> {
      if (!writeBack) return;
      const set: string[] = [];
      const values: Record<string, unknown> = { id: legacyUserId, now: clock.now() };
      if (changes.email !== undefined) {
        set.push('email = $email');
        values.email = changes.email;
      }
      if (changes.legacyHashedPassword !== undefined) {
        set.push('hashed_password = $hash');
        values.hash = changes.legacyHashedPassword;
      }
      if (changes.isActive !== undefined) {
        set.push('is_active = $active');
        values.active = changes.isActive ? '1' : '0';
      }
      if (changes.isSuperuser !== undefined) {
        // Only the admin/user distinction is the superuser flag; any other role is left alone
        // unless the user becomes a superuser.
        set.push(
          `role = CASE WHEN $superuser THEN 'admin' WHEN role = 'admin' THEN 'user' ELSE role END`,
        );
        values.superuser = changes.isSuperuser;
      }
      if (changes.isVerified !== undefined) {
        set.push(
          'email_confirmed_at = CASE WHEN $verified THEN COALESCE(email_confirmed_at, $now) ELSE NULL END',
        );
        values.verified = changes.isVerified;
      }
      if (set.length === 0) return;
      await sequelize.query(
        `UPDATE users SET ${set.join(', ')}, updated_at = $now WHERE id = $id`,
        { bind: values, transaction },
      );
    },

    async deleteTwin(legacyUserId: number, transaction?: Transaction): Promise<void> {
      await sequelize.query('DELETE FROM users WHERE id = $id', {
        bind: { id: legacyUserId },
        transaction,
      });
    },

    async touchLogin(legacyUserId: number, transaction?: Transaction): Promise<void> {
      await sequelize.query('UPDATE users SET last_login_at = $now WHERE id = $id', {
        bind: { id: legacyUserId, now: clock.now() },
        transaction,
      });
    },
  };
}
