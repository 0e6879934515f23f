/**
 * The worker side of cluster mode: reports this worker's policy, readiness, guard window and
 * latest dashboard buckets to the primary (on every policy change, and every second for the
 * window and the buckets), and refreshes the policy
 * when the primary asks (after an admin API change, so its answer reflects every worker).
 */
import type { Clock } from '../../src/lib/clock.js';
import type { Guard } from '../guard/guard.js';
import type { PolicyStore } from '../policy/policy-store.js';
import { SERIES_BUCKET_SECONDS, type ArmTimeSeries } from '../timeseries/arm-time-series.js';
import { isRefreshRequest, WORKER_STATE, type WorkerState } from './worker-messages.js';

export interface WorkerReporterDeps {
  policyStore: PolicyStore;
  guard: Guard;
  series: Pick<ArmTimeSeries, 'bucketsSince'>;
  clock: Clock;
  send(message: WorkerState): void;
  /** Where requests from the primary arrive (the worker's `process`). */
  channel: {
    on(event: 'message', listener: (message: unknown) => void): unknown;
    off(event: 'message', listener: (message: unknown) => void): unknown;
  };
  intervalMs?: number;
}

export function startWorkerReporter(deps: WorkerReporterDeps): () => void {
  const state = (refreshed?: number): WorkerState => ({
    type: WORKER_STATE,
    loaded: deps.policyStore.isLoaded(),
    databaseUp: deps.policyStore.isDatabaseUp(),
    policy: deps.policyStore.current(),
    guard: deps.guard.status(),
    // The current bucket and the one before it (which may have gained requests since the last
    // report): a report every second never misses a count.
    series: deps.series.bucketsSince(
      Math.floor(deps.clock.now().getTime() / 1000) - 2 * SERIES_BUCKET_SECONDS,
    ),
    ...(refreshed === undefined ? {} : { refreshed }),
  });
  const report = () => deps.send(state());
  const unsubscribe = deps.policyStore.subscribe(report);
  const timer = setInterval(report, deps.intervalMs ?? 1000);
  timer.unref();
  const onMessage = (message: unknown) => {
    if (!isRefreshRequest(message)) return;
    void deps.policyStore.refresh().then(() => deps.send(state(message.id)));
  };
  deps.channel.on('message', onMessage);
  report();
  return () => {
    unsubscribe();
    clearInterval(timer);
    deps.channel.off('message', onMessage);
  };
}
