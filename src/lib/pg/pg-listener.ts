import pg from 'pg';

export interface PgListenerOptions {
  databaseUrl: string;
  channel: string;
  applicationName: string;
  /** A NOTIFY arrived on the channel. */
  onNotification(): void;
  /** LISTEN is (again) in place: a change may have landed while nobody listened. */
  onListening(): void;
  retryMs?: number;
}

export interface PgListener {
  /** The first connection attempt; later losses reconnect on their own every `retryMs`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One dedicated connection holding `LISTEN channel`, reconnecting after any loss (server restart,
 * network cut, terminated backend). Used by every process that follows a setting kept in
 * PostgreSQL (the proxy's rollout policy, the monolith's `user_store`), with a periodic re-read
 * beside it as the fallback, so a lost NOTIFY costs at most one refresh interval.
 */
export function createPgListener(options: PgListenerOptions): PgListener {
  const retryMs = options.retryMs ?? 1000;
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let stopped = false;

  /** Drops a connection for good; its late errors and end events no longer trigger a retry. */
  function discard(lost: pg.Client): Promise<void> {
    lost.removeAllListeners();
    lost.on('error', () => undefined);
    if (client === lost) client = undefined;
    return lost.end().catch(() => undefined);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: options.applicationName,
      connectionTimeoutMillis: 2000,
      keepAlive: true,
    });
    const retry = () => {
      void discard(next);
      if (!stopped && !reconnect)
        reconnect = setTimeout(() => ((reconnect = undefined), void connect()), retryMs);
    };
    next.on('error', retry);
    next.on('end', retry);
    next.on('notification', () => options.onNotification());
    try {
      await next.connect();
      await next.query(`LISTEN ${options.channel}`);
    } catch {
      return retry();
    }
    // stop() may have run while this connection was being made: it must not outlive it.
    if (stopped) return discard(next);
    client = next;
    options.onListening();
  }

  return {
    start: connect,
    async stop() {
      stopped = true;
      clearTimeout(reconnect);
      if (client) await discard(client);
    },
  };
}
