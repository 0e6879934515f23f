import { expect } from 'chai';
import { manualClock } from '../../../../src/lib/clock.js';
import { createArmTimeSeries } from '../../../../proxy/timeseries/arm-time-series.js';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_SLOTS,
  latencySlot,
  quantileMs,
} from '../../../../proxy/timeseries/latency-histogram.js';

describe('latency histogram', () => {
  it('when a latency is on or under a bound, then it lands in that bound’s slot; past the last, in the overflow slot', () => {
    expect(latencySlot(0)).to.equal(0);
    expect(latencySlot(1)).to.equal(0);
    expect(latencySlot(1.01)).to.equal(1);
    expect(latencySlot(49)).to.equal(LATENCY_BOUNDS_MS.indexOf(50));
    expect(latencySlot(60_000)).to.equal(LATENCY_SLOTS - 1);
  });

  it('when 100 latencies are recorded, then p95 is the bound of the slot holding the 95th', () => {
    const counts = new Array<number>(LATENCY_SLOTS).fill(0);
    for (let i = 0; i < 94; i++) counts[latencySlot(4)]! += 1;
    for (let i = 0; i < 6; i++) counts[latencySlot(180)]! += 1;
    expect(quantileMs(counts, 0, 0.95)).to.equal(200);
    expect(quantileMs(counts, 0, 0.5)).to.equal(5);
  });

  it('when the histogram is empty, then there is no percentile', () => {
    expect(quantileMs(new Array<number>(LATENCY_SLOTS).fill(0), 0, 0.95)).to.equal(null);
  });
});

describe('arm time series', () => {
  const start = new Date('2026-05-01T12:00:00Z');

  it('when requests are recorded, then the current bucket counts them per arm with 5xx and p95', () => {
    const clock = manualClock(start);
    const series = createArmTimeSeries(clock);
    for (let i = 0; i < 19; i++) series.record('legacy', 200, 0.004);
    series.record('legacy', 503, 0.4);
    series.record('new', 500, 0.02);
    clock.advance(2000);
    const json = series.toJson();
    expect(json.t).to.have.length(180);
    expect(json.t.at(-1)).to.equal(start.getTime() / 1000);
    const legacy = json.arms.legacy;
    expect(legacy.requests.at(-1)).to.equal(20);
    expect(legacy.errors.at(-1)).to.equal(1);
    expect(legacy.error_rate.at(-1)).to.equal(0.05);
    expect(legacy.rps.at(-1), 'over the 2 s elapsed').to.equal(10);
    expect(legacy.p95_ms.at(-1)).to.equal(5);
    expect(json.arms.new.error_rate.at(-1)).to.equal(1);
    expect(legacy.totals).to.deep.equal({ requests: 20, errors: 1 });
    expect(legacy.requests.slice(0, -1).every((n) => n === 0)).to.equal(true);
    expect(legacy.p95_ms[0]).to.equal(null);
  });

  it('when time moves on, then older buckets keep their counts and rates are per 5 s', () => {
    const clock = manualClock(start);
    const series = createArmTimeSeries(clock);
    for (let i = 0; i < 10; i++) series.record('new', 200, 0.01);
    clock.advance(5000);
    series.record('new', 200, 0.01);
    const arm = series.toJson().arms.new;
    expect(arm.requests.slice(-2)).to.deep.equal([10, 1]);
    expect(arm.rps.at(-2)).to.equal(2);
    expect(arm.totals.requests).to.equal(11);
  });

  it('when more than 15 minutes pass, then old buckets are dropped, even when their ring slot is reused', () => {
    const clock = manualClock(start);
    const series = createArmTimeSeries(clock);
    series.record('legacy', 500, 0.01);
    clock.advance(15 * 60 * 1000);
    expect(series.toJson().arms.legacy.totals).to.deep.equal({ requests: 0, errors: 0 });
    series.record('legacy', 200, 0.01);
    const json = series.toJson();
    expect(json.arms.legacy.totals).to.deep.equal({ requests: 1, errors: 0 });
    expect(json.arms.legacy.p95_ms.at(-1)).to.equal(10);
  });
});

describe('arm time series across cluster workers', () => {
  const start = new Date('2026-05-01T12:00:00Z');

  it("when a worker's buckets are added to another series, then its charts show both", () => {
    const clock = manualClock(start);
    const worker = createArmTimeSeries(clock);
    const primary = createArmTimeSeries(clock);
    for (let i = 0; i < 3; i++) worker.record('new', 200, 0.004);
    worker.record('new', 502, 0.3);
    primary.record('new', 200, 0.004);
    clock.advance(6000);
    worker.record('legacy', 200, 0.004);
    for (const bucket of worker.bucketsSince(start.getTime() / 1000)) primary.addToBucket(bucket);
    const json = primary.toJson();
    expect(json.arms.new.requests.slice(-2)).to.deep.equal([5, 0]);
    expect(json.arms.new.errors.slice(-2)).to.deep.equal([1, 0]);
    expect(json.arms.new.p95_ms.at(-2)).to.equal(300);
    expect(json.arms.legacy.requests.slice(-2)).to.deep.equal([0, 1]);
  });

  it('when only recent buckets are asked for, then older ones are left out', () => {
    const clock = manualClock(start);
    const series = createArmTimeSeries(clock);
    series.record('legacy', 200, 0.004);
    clock.advance(20_000);
    series.record('legacy', 200, 0.004);
    const buckets = series.bucketsSince(start.getTime() / 1000 + 10);
    expect(buckets.map((b) => [b.arm, b.start - start.getTime() / 1000, b.requests])).to.deep.equal(
      [['legacy', 20, 1]],
    );
  });

  it('when a bucket arrives after its ring slot moved on to a newer one, then it is dropped', () => {
    const clock = manualClock(start);
    const series = createArmTimeSeries(clock, 5, 10);
    clock.advance(10_000);
    series.record('legacy', 200, 0.004);
    series.addToBucket({
      arm: 'legacy',
      start: start.getTime() / 1000,
      requests: 7,
      errors: 0,
      latency: [],
    });
    expect(series.toJson().arms.legacy.totals.requests).to.equal(1);
  });
});
