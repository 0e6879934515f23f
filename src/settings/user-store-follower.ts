/**
 * Which user store this instance uses, following the `user_store` setting: read at start, re-read
 * on every NOTIFY on `authshift_settings` and every `refreshMs` as the fallback (a lost NOTIFY or
 * a dropped LISTEN connection). While the database cannot be read it keeps the last value, so a
 * database hiccup never flips an instance back to the other store.
 */
import { createPgListener } from '../lib/db/pg-listener.js';
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
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
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

  function refresh(): Promise<void> {
    reading ??= readOnce().finally(() => (reading = undefined));
    return reading;
  }

  const listener = createPgListener({
    databaseUrl: deps.databaseUrl,
    channel: SETTINGS_CHANNEL,
    applicationName: 'authshift-settings-listen',
    onNotification: () => void refresh(),
    onListening: () => void refresh(),
  });

  return {
    current: () => current,
    refresh,
    /** Resolves after the first read (successful or not); idempotent. */
    start(): Promise<void> {
      firstRead ??= (async () => {
        await refresh();
        timer = setInterval(() => void refresh(), deps.refreshMs);
        timer.unref();
        void listener.start();
      })();
      return firstRead;
    },
    async stop(): Promise<void> {
      await firstRead;
      clearInterval(timer);
      await listener.stop();
      await reading;
    },
  };
}

export type UserStoreFollower = ReturnType<typeof createUserStoreFollower>;
