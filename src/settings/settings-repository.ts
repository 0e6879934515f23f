import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import {
  APP_SETTINGS_TABLE,
  USER_STORE_KINDS,
  USER_STORE_SETTING,
  type UserStoreKind,
} from '../lib/contracts/app-settings.js';

export type { UserStoreKind };
export const SETTINGS_CHANNEL = 'authshift_settings';

export function isUserStoreKind(value: unknown): value is UserStoreKind {
  return (USER_STORE_KINDS as readonly unknown[]).includes(value);
}

/** The `app_settings` table (migration create-app-settings): run-time settings in PostgreSQL. */
export function createSettingsRepository(sequelize: Sequelize) {
  return {
    async readUserStore(transaction?: Transaction): Promise<UserStoreKind> {
      const [row] = await sequelize.query<{ value: string }>(
        `SELECT value FROM ${APP_SETTINGS_TABLE} WHERE key = :key`,
        { replacements: { key: USER_STORE_SETTING }, type: QueryTypes.SELECT, transaction },
      );
      // No row means nobody ever switched: phase 1.
      return isUserStoreKind(row?.value) ? row.value : 'fu_users';
    },

    /** The trigger on app_settings notifies every instance. */
    async writeUserStore(
      value: UserStoreKind,
      actor: string,
      transaction?: Transaction,
    ): Promise<void> {
      await sequelize.query(
        `INSERT INTO ${APP_SETTINGS_TABLE} (key, value, updated_by, updated_at)
         VALUES (:key, :value, :actor, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
           updated_at = now()`,
        { replacements: { key: USER_STORE_SETTING, value, actor }, transaction },
      );
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
