import { expect } from 'chai';
import { manualClock } from '../../../../src/lib/clock.js';
import { silentLogger } from '../../../../src/lib/logger.js';
import { createGuard, shouldTrip, type GuardTrip } from '../../../../proxy/guard/guard.js';

const settings = { enabled: true, windowSeconds: 10, minRequests: 20, errorRate: 0.5 };

function harness(overrides: Partial<typeof settings> = {}, fail = false) {
  const clock = manualClock();
  const writes: string[] = [];
  const trips: GuardTrip[] = [];
  let percent = 25;
  const guard = createGuard({
    settings: { ...settings, ...overrides },
    clock,
    logger: silentLogger(),
    currentPercent: () => percent,
    setPercentToZero: async (reason) => {
      if (fail) throw new Error('database down');
      writes.push(reason);
      percent = 0;
    },
    onTrip: (trip) => trips.push(trip),
  });
  return { guard, clock, writes, trips };
}

describe('guard', () => {
  it('when below the minimum sample, then even 100% errors do not trip', () => {
    expect(shouldTrip({ requests: 19, errors: 19 }, settings)).to.equal(false);
    expect(shouldTrip({ requests: 20, errors: 10 }, settings)).to.equal(true);
    expect(shouldTrip({ requests: 20, errors: 9 }, settings)).to.equal(false);
  });

  it('when the new arm fails a handful of times among many successes, then nothing happens', async () => {
    const { guard, writes } = harness();
    for (let i = 0; i < 100; i++) guard.record('new', i % 20 === 0 ? 500 : 200);
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });

  it('when the new arm 5xx rate crosses the limit, then percent goes to 0 once, with the reason', async () => {
    const { guard, writes, trips } = harness();
    for (let i = 0; i < 10; i++) guard.record('new', 200);
    for (let i = 0; i < 30; i++) guard.record('new', 503);
    await guard.settled();
    expect(writes).to.have.length(1);
    expect(writes[0]).to.match(
      /^guard: new arm 5xx rate \d+(\.\d)?% \(\d+\/\d+\) over 10s reached the 50% limit$/,
    );
    expect(trips).to.have.length(1);
    expect(guard.status().last_trip?.reason).to.equal(writes[0]);
  });

  it('when only the legacy arm fails, then the guard does not trip', async () => {
    const { guard, writes } = harness();
    for (let i = 0; i < 50; i++) guard.record('legacy', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().arms.legacy).to.deep.equal({ requests: 50, errors: 50 });
  });

  it('when the errors are older than the window, then they no longer count', async () => {
    const { guard, clock, writes } = harness();
    for (let i = 0; i < 15; i++) guard.record('new', 500);
    clock.advance(11_000);
    for (let i = 0; i < 10; i++) guard.record('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().arms.new).to.deep.equal({ requests: 10, errors: 10 });
  });

  it('when the rollback cannot be written, then it is retried on the next failure', async () => {
    const { guard, writes } = harness({}, true);
    for (let i = 0; i < 25; i++) guard.record('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().last_trip).to.equal(null);
    expect(guard.status().arms.new.errors).to.equal(25);
  });

  it('when disabled, then it only counts', async () => {
    const { guard, writes } = harness({ enabled: false });
    for (let i = 0; i < 40; i++) guard.record('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });
});
