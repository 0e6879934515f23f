import { QueryTypes, type Sequelize } from 'sequelize';
import { createSettingsRepository, type UserStoreKind } from '../settings/settings-repository.js';

const REVERSE_TRIGGER = 'users_to_fu_users';

export async function reverseSyncTriggerExists(sequelize: Sequelize): Promise<boolean> {
  const rows = await sequelize.query(
    `SELECT 1 FROM pg_trigger WHERE tgname = :name AND tgrelid = 'users'::regclass`,
    { replacements: { name: REVERSE_TRIGGER }, type: QueryTypes.SELECT },
  );
  return rows.length > 0;
}

/**
 * While instances move from one store to the other (up to the propagation bound), writes of the
 * ones already on `users` are copied into `fu_users` too, so an instance still on `fu_users`
 * never reads a stale row. Turned off again once cutover is complete; a rollback leaves it on
 * until the consolidation's `down` drops it.
 */
export async function setReverseSync(sequelize: Sequelize, on: boolean): Promise<void> {
  if (!(await reverseSyncTriggerExists(sequelize))) return;
  await sequelize.query(
    `ALTER TABLE users ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${REVERSE_TRIGGER}`,
  );
}

/** Writes `user_store` (every instance follows by NOTIFY or re-read) and waits for them to. */
export async function switchUserStore(
  sequelize: Sequelize,
  to: UserStoreKind,
  actor: string,
  propagationMs: number,
): Promise<void> {
  await createSettingsRepository(sequelize).writeUserStore(to, actor);
  await new Promise((resolve) => setTimeout(resolve, propagationMs));
}
