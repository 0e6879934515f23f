/**
 * The primary side of cluster mode: the last state each worker reported, and read-only views of
 * it shaped like one proxy's policy store and guard, so the admin API answers for the whole
 * cluster unchanged:
 * - ready only when every worker has loaded a policy; the policy reported is the oldest any
 *   worker applies (so /readyz's policy_version says when a change has reached all of them);
 * - the guard's window is the sum of the workers' windows. Each worker guards its own share of
 *   the traffic, like separate proxy instances do; the sum is what ops see;
 * - the dashboard series is the primary's own, fed with what each worker's buckets gained since
 *   its last report (reports repeat full counts, so a lost or repeated one counts nothing twice).
 */
import type { Guard, GuardSettings, GuardStatus, GuardTrip } from '../guard/guard.js';
import type { PolicyStore } from '../policy/policy-store.js';
import { FAIL_SAFE_POLICY, type RolloutPolicy } from '../policy/rollout-policy.js';
import type { ArmTimeSeries, SeriesBucket } from '../timeseries/arm-time-series.js';
import type { WorkerState } from './worker-messages.js';

export interface WorkerBoardDeps {
  workers: number;
  guardSettings: GuardSettings;
  /** Sends a refresh request with `id` to every live worker; returns the ids of those asked. */
  askRefresh(id: number): number[];
  /** The primary's own dashboard series, fed with what each worker's buckets gained. */
  series: Pick<ArmTimeSeries, 'addToBucket'>;
  refreshTimeoutMs?: number;
}

export function createWorkerBoard(deps: WorkerBoardDeps) {
  const states = new Map<number, WorkerState>();
  const seenBuckets = new Map<number, Map<string, SeriesBucket>>();
  const refreshes = new Map<number, { waiting: Set<number>; done(): void }>();
  let nextRefresh = 1;

  const settleRefreshes = (workerId: number, answered?: number) => {
    for (const [id, refresh] of refreshes) {
      if (answered === undefined || answered === id) refresh.waiting.delete(workerId);
      if (refresh.waiting.size === 0) refresh.done();
    }
  };

  const all = () => [...states.values()];

  const policyStore: PolicyStore = {
    current: (): RolloutPolicy =>
      all().reduce<RolloutPolicy | undefined>(
        (oldest, s) => (oldest && oldest.version <= s.policy.version ? oldest : s.policy),
        undefined,
      ) ?? FAIL_SAFE_POLICY,
    isLoaded: () => states.size >= deps.workers && all().every((s) => s.loaded),
    isDatabaseUp: () => states.size > 0 && all().every((s) => s.databaseUp),
    refresh: () =>
      new Promise<void>((resolve) => {
        const id = nextRefresh++;
        const timer = setTimeout(() => done(), deps.refreshTimeoutMs ?? 2000);
        const done = () => {
          clearTimeout(timer);
          refreshes.delete(id);
          resolve();
        };
        const waiting = new Set(deps.askRefresh(id));
        if (waiting.size === 0) return done();
        refreshes.set(id, { waiting, done });
      }),
    subscribe: () => () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };

  const guard: Guard = {
    record: () => undefined, // the primary serves no requests
    status: (): GuardStatus => aggregateGuard(deps.guardSettings, all()),
    settled: () => Promise.resolve(),
  };

  return {
    policyStore,
    guard,
    update(workerId: number, state: WorkerState): void {
      states.set(workerId, state);
      seenBuckets.set(workerId, addNewCounts(deps.series, seenBuckets.get(workerId), state.series));
      if (state.refreshed !== undefined) settleRefreshes(workerId, state.refreshed);
    },
    remove(workerId: number): void {
      states.delete(workerId);
      seenBuckets.delete(workerId);
      settleRefreshes(workerId);
    },
  };
}

export type WorkerBoard = ReturnType<typeof createWorkerBoard>;

function aggregateGuard(settings: GuardSettings, states: WorkerState[]): GuardStatus {
  const arms = { legacy: { requests: 0, errors: 0 }, new: { requests: 0, errors: 0 } };
  let lastTrip: GuardTrip | null = null;
  // Each worker guards its own share; the largest count is what any one of them saw.
  let errorClients = 0;
  for (const { guard } of states) {
    errorClients = Math.max(errorClients, guard.error_clients);
    for (const arm of ['legacy', 'new'] as const) {
      arms[arm].requests += guard.arms[arm].requests;
      arms[arm].errors += guard.arms[arm].errors;
    }
    if (guard.last_trip && (!lastTrip || guard.last_trip.at > lastTrip.at))
      lastTrip = guard.last_trip;
  }
  return {
    enabled: settings.enabled,
    window_seconds: settings.windowSeconds,
    min_requests: settings.minRequests,
    error_rate_limit: settings.errorRate,
    arms,
    error_clients: errorClients,
    last_trip: lastTrip,
  };
}

/** Adds to `series` what each reported bucket gained since this worker's previous report. */
function addNewCounts(
  series: Pick<ArmTimeSeries, 'addToBucket'>,
  seen: Map<string, SeriesBucket> | undefined,
  reported: SeriesBucket[],
): Map<string, SeriesBucket> {
  const next = new Map<string, SeriesBucket>();
  for (const bucket of reported) {
    const key = `${bucket.arm}:${bucket.start}`;
    const before = seen?.get(key);
    const gained: SeriesBucket = {
      ...bucket,
      requests: bucket.requests - (before?.requests ?? 0),
      errors: bucket.errors - (before?.errors ?? 0),
      latency: bucket.latency.map((n, i) => n - (before?.latency[i] ?? 0)),
    };
    if (gained.requests > 0) series.addToBucket(gained);
    next.set(key, bucket);
  }
  return next;
}
