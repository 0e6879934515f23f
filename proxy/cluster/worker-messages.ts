/**
 * What a proxy worker and the cluster primary say to each other over the cluster IPC channel
 * (PROXY_WORKERS > 1). Workers report their state whenever their policy or database state
 * changes and every second (the guard's window and the dashboard series move on their own);
 * the primary asks for a
 * policy refresh after an admin API change, and for a drain at shutdown. prom-client's metric
 * requests share the channel.
 */
import type { GuardStatus } from '../guard/guard.js';
import type { RolloutPolicy } from '../policy/rollout-policy.js';
import type { SeriesBucket } from '../timeseries/arm-time-series.js';

export const WORKER_STATE = 'authshift:proxy-worker-state';
export const REFRESH_REQUEST = 'authshift:proxy-refresh';
export const SHUTDOWN_REQUEST = 'authshift:proxy-shutdown';

export interface WorkerState {
  type: typeof WORKER_STATE;
  loaded: boolean;
  databaseUp: boolean;
  policy: RolloutPolicy;
  guard: GuardStatus;
  /** The dashboard series' latest buckets (full counts; the primary adds what is new). */
  series: SeriesBucket[];
  /** Set when this report answers a refresh request. */
  refreshed?: number;
}

export interface RefreshRequest {
  type: typeof REFRESH_REQUEST;
  id: number;
}

/** Drain and exit; a message rather than a signal, which a worker may already have received. */
export interface ShutdownRequest {
  type: typeof SHUTDOWN_REQUEST;
}

const hasType = (message: unknown, type: string): boolean =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

export const isWorkerState = (message: unknown): message is WorkerState =>
  hasType(message, WORKER_STATE);

export const isRefreshRequest = (message: unknown): message is RefreshRequest =>
  hasType(message, REFRESH_REQUEST);

export const isShutdownRequest = (message: unknown): message is ShutdownRequest =>
  hasType(message, SHUTDOWN_REQUEST);
