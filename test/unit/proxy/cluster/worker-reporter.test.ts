import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { manualClock } from '../../../../src/lib/clock.js';
import { silentLogger } from '../../../../src/lib/logger.js';
import { REFRESH_REQUEST, type WorkerState } from '../../../../proxy/cluster/worker-messages.js';
import { startWorkerReporter } from '../../../../proxy/cluster/worker-reporter.js';
import { createGuard } from '../../../../proxy/guard/guard.js';
import { createPolicyStore } from '../../../../proxy/policy/policy-store.js';
import { FAIL_SAFE_POLICY } from '../../../../proxy/policy/rollout-policy.js';
import { createArmTimeSeries } from '../../../../proxy/timeseries/arm-time-series.js';

function harness() {
  let version = 1;
  const store = createPolicyStore({
    repository: { read: async () => ({ ...FAIL_SAFE_POLICY, version }) },
    databaseUrl: 'postgres://unused',
    refreshMs: 1000,
    logger: silentLogger(),
    onApplied: () => undefined,
    onReadSuccess: () => undefined,
    onReadFailure: () => undefined,
  });
  const guard = createGuard({
    settings: { enabled: true, windowSeconds: 60, minRequests: 50, errorRate: 0.2 },
    clock: manualClock(),
    logger: silentLogger(),
    currentPercent: () => 0,
    setPercentToZero: async () => undefined,
    onTrip: () => undefined,
  });
  const sent: WorkerState[] = [];
  const channel = new EventEmitter();
  const clock = manualClock(new Date('2026-05-01T12:00:00Z'));
  const series = createArmTimeSeries(clock);
  const stop = startWorkerReporter({
    policyStore: store,
    guard,
    series,
    clock,
    send: (message) => sent.push(message),
    channel,
    intervalMs: 60_000,
  });
  return { store, guard, series, clock, sent, channel, stop, bump: () => (version += 1) };
}

describe('cluster worker reporter', () => {
  it('when a worker starts and then applies a policy, then the primary hears both states', async () => {
    const { store, sent, stop } = harness();
    await store.refresh();
    stop();
    expect(sent.map((s) => [s.loaded, s.policy.version])).to.deep.equal([
      [false, 0],
      [true, 1],
    ]);
  });

  it('when the primary asks for a refresh, then the worker re-reads and answers with that id', async () => {
    const { store, guard, sent, channel, stop, bump } = harness();
    await store.refresh();
    guard.record({ arm: 'legacy', status: 200, client: '127.0.0.1' });
    bump();
    channel.emit('message', { type: REFRESH_REQUEST, id: 42 });
    await new Promise((r) => setTimeout(r, 10));
    stop();
    const answer = sent.find((s) => s.refreshed === 42);
    expect(answer?.policy.version).to.equal(2);
    expect(answer?.guard.arms.legacy.requests).to.equal(1);
  });

  it('when requests were recorded, then the report carries the current and the previous bucket only', async () => {
    const { series, clock, sent, channel, stop } = harness();
    series.record('legacy', 200, 0.004);
    clock.advance(30_000);
    series.record('legacy', 200, 0.004);
    clock.advance(5_000);
    series.record('new', 500, 0.004);
    channel.emit('message', { type: REFRESH_REQUEST, id: 7 });
    await new Promise((r) => setTimeout(r, 10));
    stop();
    const report = sent.find((s) => s.refreshed === 7)!;
    expect(report.series.map((b) => [b.arm, b.requests])).to.deep.equal([
      ['legacy', 1],
      ['new', 1],
    ]);
  });
});
