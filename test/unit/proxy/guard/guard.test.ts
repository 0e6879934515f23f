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
  /** An answer to an identified user's request, from one of two client addresses by turns. */
  let n = 0;
  const answer = (arm: 'legacy' | 'new', status: number, client?: string) =>
    guard.record({ arm, status, client: client ?? `10.0.0.${(n += 1) % 2}` });
  return { guard, clock, writes, trips, answer };
}

describe('guard', () => {
  it('when below the minimum sample, or the errors come from one client address, then it does not trip', () => {
    expect(shouldTrip({ requests: 19, errors: 19 }, 2, settings)).to.equal(false);
    expect(shouldTrip({ requests: 20, errors: 10 }, 2, settings)).to.equal(true);
    expect(shouldTrip({ requests: 20, errors: 9 }, 2, settings)).to.equal(false);
    expect(shouldTrip({ requests: 50, errors: 50 }, 1, settings)).to.equal(false);
  });

  it('when the new arm fails a handful of times among many successes, then nothing happens', async () => {
    const { guard, writes, answer } = harness();
    for (let i = 0; i < 100; i++) answer('new', i % 20 === 0 ? 500 : 200);
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });

  it('when the new arm 5xx rate crosses the limit from two addresses, then percent goes to 0 once, with the reason', async () => {
    const { guard, writes, trips, answer } = harness();
    for (let i = 0; i < 10; i++) answer('new', 200);
    for (let i = 0; i < 30; i++) answer('new', 503);
    await guard.settled();
    expect(writes).to.have.length(1);
    expect(writes[0]).to.match(
      /^guard: new arm 5xx rate \d+(\.\d)?% \(\d+\/\d+\) over 10s reached the 50% limit$/,
    );
    expect(trips).to.have.length(1);
    expect(guard.status().last_trip?.reason).to.equal(writes[0]);
  });

  it('when every error comes from one client address, then it holds however many there are; a second address trips it', async () => {
    const { guard, writes, answer } = harness();
    for (let i = 0; i < 200; i++) answer('new', 500, '203.0.113.7');
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().error_clients).to.equal(1);
    answer('new', 500, '198.51.100.1');
    await guard.settled();
    expect(writes).to.have.length(1);
  });

  it('when the errors come from many addresses of one IPv6 /64, or one address spelt two ways, then they are one client', async () => {
    const { guard, writes, answer } = harness();
    for (let i = 1; i < 100; i++) answer('new', 500, `2001:db8:1:2::${i.toString(16)}`);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().error_clients).to.equal(1);
    answer('new', 500, '2001:db8:1:3::1');
    await guard.settled();
    expect(writes).to.have.length(1);

    const mapped = harness();
    for (let i = 0; i < 30; i++)
      mapped.answer('new', 500, i % 2 ? '203.0.113.7' : '::ffff:203.0.113.7');
    await mapped.guard.settled();
    expect(mapped.writes).to.deep.equal([]);
    expect(mapped.guard.status().error_clients).to.equal(1);
  });

  it('when a 4xx or a success comes from another address, then it is no second error client', async () => {
    const { guard, writes, answer } = harness();
    for (let i = 0; i < 30; i++) answer('new', 500, '203.0.113.7');
    answer('new', 404, '198.51.100.1');
    answer('new', 200, '198.51.100.2');
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });

  it('when the second address erred before the window, then it no longer counts', async () => {
    const { guard, clock, writes, answer } = harness();
    answer('new', 500, '198.51.100.1');
    clock.advance(11_000);
    for (let i = 0; i < 30; i++) answer('new', 500, '203.0.113.7');
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });

  it('when only the legacy arm fails, then the guard does not trip', async () => {
    const { guard, writes, answer } = harness();
    for (let i = 0; i < 50; i++) answer('legacy', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().arms.legacy).to.deep.equal({ requests: 50, errors: 50 });
  });

  it('when the errors are older than the window, then they no longer count', async () => {
    const { guard, clock, writes, answer } = harness();
    for (let i = 0; i < 15; i++) answer('new', 500);
    clock.advance(11_000);
    for (let i = 0; i < 10; i++) answer('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().arms.new).to.deep.equal({ requests: 10, errors: 10 });
  });

  it('when the rollback cannot be written, then it is retried on the next failure', async () => {
    const { guard, writes, answer } = harness({}, true);
    for (let i = 0; i < 25; i++) answer('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
    expect(guard.status().last_trip).to.equal(null);
    expect(guard.status().arms.new.errors).to.equal(25);
  });

  it('when disabled, then it only counts', async () => {
    const { guard, writes, answer } = harness({ enabled: false });
    for (let i = 0; i < 40; i++) answer('new', 500);
    await guard.settled();
    expect(writes).to.deep.equal([]);
  });
});
