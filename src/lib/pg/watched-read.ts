/**
 * Keeps a value that lives in PostgreSQL fresh in this process: `read` runs on every NOTIFY on
 * `channel`, whenever LISTEN is (re)established (a change may have landed while nobody listened),
 * and every `refreshMs` as the fallback for a lost NOTIFY. Used by the proxy's rollout policy and
 * the monolith's `user_store` follower; what a read applies, logs or keeps on failure is theirs.
 *
 * Overlapping triggers are coalesced into at most one read in flight plus one follow-up: a
 * NOTIFY that arrives during a read may announce a change that read started too early to see, so
 * it is answered by one more read, never folded into the one already running.
 */
import { createPgListener } from './pg-listener.js';

export interface WatchedReadOptions {
  databaseUrl: string;
  channel: string;
  applicationName: string;
  refreshMs: number;
  /** One read-and-apply. It handles its own failures: it must not reject. */
  read(): Promise<void>;
}

export interface WatchedRead {
  /** Resolves when the read it joined (or started) is done. */
  refresh(): Promise<void>;
  /** Starts the periodic re-read and LISTEN; resolves after the first LISTEN attempt. */
  watch(): Promise<void>;
  /** No more reads are started; resolves once the one in flight is done. */
  stop(): Promise<void>;
}

export function createWatchedRead(options: WatchedReadOptions): WatchedRead {
  let reading: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function refresh(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = options.read().finally(() => {
      reading = undefined;
      if (again && !stopped) {
        again = false;
        void refresh();
      }
    });
    return reading;
  }

  const listener = createPgListener({
    databaseUrl: options.databaseUrl,
    channel: options.channel,
    applicationName: options.applicationName,
    onNotification: () => void refresh(),
    onListening: () => void refresh(),
  });

  return {
    refresh,
    watch() {
      timer = setInterval(() => void refresh(), options.refreshMs);
      timer.unref();
      return listener.start();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener.stop();
      await reading;
    },
  };
}
