/**
 * The `app_settings` table (run-time settings the monolith keeps in PostgreSQL), which the
 * monolith writes and the proxy's dashboard reads: one declaration of the row and of the
 * user-store setting for both (test/integration/db/database-contract compares the columns).
 */
import { rowColumns } from './row-columns.js';

export const APP_SETTINGS_TABLE = 'app_settings';

/** Which table the new engine's accounts live in: `fu_users` (phase 1) or `users` (consolidated). */
export const USER_STORE_SETTING = 'user_store';
export const USER_STORE_KINDS = ['fu_users', 'users'] as const;
export type UserStoreKind = (typeof USER_STORE_KINDS)[number];

export interface AppSettingRow {
  key: string;
  value: string;
  updated_at: Date;
  updated_by: string;
}

/** Every column of `app_settings`. */
export const APP_SETTING_COLUMNS = rowColumns<AppSettingRow>()([
  'key',
  'value',
  'updated_at',
  'updated_by',
]);
