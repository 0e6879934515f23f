/**
 * Which user store this instance uses, following the `user_store` setting: read at start, re-read
 * on every NOTIFY on `authshift_settings` and every `refreshMs` as the fallback (a lost NOTIFY or
 * a dropped LISTEN connection). While the database cannot be read it keeps the last value, so a
 * database hiccup never flips an instance back to the other store.
 */
import { createWatchedRead } from '../lib/pg/watched-read.js';
import type { Logger } from '../lib/logger.js';
import {
  SETTINGS_CHANNEL,
  type SettingsRepository,
  type UserStoreKind,
} from './settings-repository.js';

export interface UserStoreFollowerDeps {
  repository: SettingsRepository;
  databaseUrl: string;
  refreshMs: number;
  logger: Logger;
}

export function createUserStoreFollower(deps: UserStoreFollowerDeps) {
  let current: UserStoreKind = 'fu_users';
  let failing = false;
  let firstRead: Promise<void> | undefined;

  async function readOnce(): Promise<void> {
    try {
      const next = await deps.repository.readUserStore();
      failing = false;
      if (next !== current) deps.logger.info({ from: current, to: next }, 'user store switched');
      current = next;
    } catch (error) {
      if (!failing) deps.logger.warn({ err: error, keeping: current }, 'user_store read failed');
      failing = true;
    }
  }

  const watched = createWatchedRead({
    databaseUrl: deps.databaseUrl,
    channel: SETTINGS_CHANNEL,
    applicationName: 'authshift-settings-listen',
    refreshMs: deps.refreshMs,
    read: readOnce,
  });

  return {
    current: () => current,
    refresh: watched.refresh,
    /** Resolves after the first read (successful or not); idempotent. */
    start(): Promise<void> {
      firstRead ??= (async () => {
        await watched.refresh();
        void watched.watch();
      })();
      return firstRead;
    },
    async stop(): Promise<void> {
      await firstRead;
      await watched.stop();
    },
  };
}

export type UserStoreFollower = ReturnType<typeof createUserStoreFollower>;
