/**
 * Which user store this instance uses, following the `user_store` setting: read at start, re-read
 * on every NOTIFY on `authshift_settings` and every `refreshMs` as the fallback (a lost NOTIFY or
 * a dropped LISTEN connection). While the database cannot be read it keeps the last value, so a
 * database hiccup never flips an instance back to the other store.
 */
import pg from 'pg';
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
  let reconnect: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let stopped = false;
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

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({
      connectionString: deps.databaseUrl,
      application_name: 'authshift-settings-listen',
      connectionTimeoutMillis: 2000,
      keepAlive: true,
    });
    const retry = () => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      if (!stopped && !reconnect)
        reconnect = setTimeout(() => ((reconnect = undefined), void listen()), 1000);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => void refresh());
    try {
      await client.connect();
      await client.query(`LISTEN ${SETTINGS_CHANNEL}`);
      if (stopped) return retry();
      listener = client;
      void refresh(); // a change may have landed while we were not listening
    } catch {
      retry();
    }
  }

  return {
    current: () => current,
    refresh,
    /** Resolves after the first read (successful or not); idempotent. */
    start(): Promise<void> {
      firstRead ??= (async () => {
        await refresh();
        timer = setInterval(() => void refresh(), deps.refreshMs);
        timer.unref();
        void listen();
      })();
      return firstRead;
    },
    async stop(): Promise<void> {
      stopped = true;
      await firstRead;
      clearInterval(timer);
      clearTimeout(reconnect);
      const client = listener;
      listener = undefined;
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
      }
      await reading;
    },
  };
}

export type UserStoreFollower = ReturnType<typeof createUserStoreFollower>;
