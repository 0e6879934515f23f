import { expect } from 'chai';
import { createWorkerBoard } from '../../../../proxy/cluster/worker-board.js';
import { WORKER_STATE, type WorkerState } from '../../../../proxy/cluster/worker-messages.js';
import type { GuardTrip } from '../../../../proxy/guard/guard.js';
import { FAIL_SAFE_POLICY } from '../../../../proxy/policy/rollout-policy.js';
import type { SeriesBucket } from '../../../../proxy/timeseries/arm-time-series.js';

const guardSettings = { enabled: true, windowSeconds: 60, minRequests: 50, errorRate: 0.2 };

function state(
  version: number,
  overrides: Partial<WorkerState> = {},
  arms = { legacy: { requests: 0, errors: 0 }, new: { requests: 0, errors: 0 } },
  lastTrip: GuardTrip | null = null,
): WorkerState {
  return {
    type: WORKER_STATE,
    loaded: true,
    databaseUp: true,
    policy: { ...FAIL_SAFE_POLICY, version, percent: version },
    guard: {
      enabled: true,
      window_seconds: 60,
      min_requests: 50,
      error_rate_limit: 0.2,
      arms,
      error_clients: 0,
      last_trip: lastTrip,
    },
    series: [],
    ...overrides,
  };
}

function harness(workers = 2) {
  const asked: number[] = [];
  const added: SeriesBucket[] = [];
  let live = [1, 2];
  const board = createWorkerBoard({
    workers,
    guardSettings,
    askRefresh: (id) => (asked.push(id), live),
    refreshTimeoutMs: 200,
    series: { addToBucket: (bucket) => added.push(bucket) },
  });
  return { board, asked, added, setLive: (ids: number[]) => (live = ids) };
}

describe('cluster worker board', () => {
  it('when not every worker has reported a loaded policy, then the cluster is not ready', () => {
    const { board } = harness();
    expect(board.policyStore.isLoaded()).to.equal(false);
    board.update(1, state(3));
    expect(board.policyStore.isLoaded()).to.equal(false);
    board.update(2, state(3, { loaded: false }));
    expect(board.policyStore.isLoaded()).to.equal(false);
    board.update(2, state(3));
    expect(board.policyStore.isLoaded()).to.equal(true);
    board.remove(1);
    expect(board.policyStore.isLoaded()).to.equal(false);
  });

  it('when workers apply different versions, then the policy shown is the oldest one', () => {
    const { board } = harness();
    expect(board.policyStore.current()).to.equal(FAIL_SAFE_POLICY);
    board.update(1, state(5));
    board.update(2, state(4));
    expect(board.policyStore.current().version).to.equal(4);
    board.update(2, state(5));
    expect(board.policyStore.current().version).to.equal(5);
  });

  it('when one worker cannot read the database, then the cluster reports it unreachable', () => {
    const { board } = harness();
    board.update(1, state(1));
    board.update(2, state(1, { databaseUp: false }));
    expect(board.policyStore.isDatabaseUp()).to.equal(false);
    board.update(2, state(1));
    expect(board.policyStore.isDatabaseUp()).to.equal(true);
  });

  it('when workers report their guard windows, then the status sums them and shows the latest trip', () => {
    const { board } = harness();
    const early = { at: '2026-01-01T00:00:00.000Z', reason: 'a', requests: 60, errors: 30 };
    const late = { at: '2026-01-01T00:01:00.000Z', reason: 'b', requests: 70, errors: 40 };
    board.update(
      1,
      state(1, {}, { legacy: { requests: 10, errors: 1 }, new: { requests: 5, errors: 2 } }, late),
    );
    board.update(
      2,
      state(1, {}, { legacy: { requests: 3, errors: 0 }, new: { requests: 7, errors: 1 } }, early),
    );
    const status = board.guard.status();
    expect(status.arms).to.deep.equal({
      legacy: { requests: 13, errors: 1 },
      new: { requests: 12, errors: 3 },
    });
    expect(status.last_trip).to.deep.equal(late);
    expect(status.min_requests).to.equal(50);
  });

  it('when a refresh is asked, then it resolves once every asked worker has answered', async () => {
    const { board, asked } = harness();
    let done = false;
    const refreshing = board.policyStore.refresh().then(() => (done = true));
    const id = asked[0]!;
    board.update(1, state(2, { refreshed: id }));
    await new Promise((r) => setImmediate(r));
    expect(done).to.equal(false);
    board.update(2, state(2, { refreshed: id }));
    await refreshing;
    expect(done).to.equal(true);
  });

  it('when a worker exits during a refresh or none is alive, then the refresh does not wait for it', async () => {
    const { board, asked, setLive } = harness();
    const refreshing = board.policyStore.refresh();
    board.update(1, state(2, { refreshed: asked[0]! }));
    board.remove(2);
    await refreshing;
    setLive([]);
    await board.policyStore.refresh();
  });

  it('when workers report the same buckets again with more counts, then only what each gained is added', () => {
    const { board, added } = harness();
    const bucket = (start: number, requests: number, errors = 0): SeriesBucket => ({
      arm: 'new',
      start,
      requests,
      errors,
      latency: [requests, 0],
    });
    board.update(1, state(1, { series: [bucket(100, 3, 1)] }));
    board.update(2, state(1, { series: [bucket(100, 2)] }));
    board.update(1, state(1, { series: [bucket(100, 3, 1), bucket(105, 4)] }));
    board.update(1, state(1, { series: [bucket(100, 5, 1), bucket(105, 4)] }));
    expect(added.map((b) => [b.start, b.requests, b.errors, b.latency[0]])).to.deep.equal([
      [100, 3, 1, 3],
      [100, 2, 0, 2],
      [105, 4, 0, 4],
      [100, 2, 0, 2],
    ]);
  });
});
