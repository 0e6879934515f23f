import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export type UserStoreKind = 'fu_users' | 'users';
export const SETTINGS_CHANNEL = 'authshift_settings';

export function isUserStoreKind(value: unknown): value is UserStoreKind {
  return value === 'fu_users' || value === 'users';
}

/** The `app_settings` table (migration create-app-settings): run-time settings in PostgreSQL. */
export function createSettingsRepository(sequelize: Sequelize) {
  return {
    async readUserStore(transaction?: Transaction): Promise<UserStoreKind> {
      const [row] = await sequelize.query<{ value: string }>(
        `SELECT value FROM app_settings WHERE key = 'user_store'`,
        { type: QueryTypes.SELECT, transaction },
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
        `INSERT INTO app_settings (key, value, updated_by, updated_at)
         VALUES ('user_store', :value, :actor, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by,
           updated_at = now()`,
        { replacements: { value, actor }, transaction },
      );
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
