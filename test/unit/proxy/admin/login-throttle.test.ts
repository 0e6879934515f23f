import { expect } from 'chai';
import { createLoginThrottle } from '../../../../proxy/admin/login-throttle.js';
import { manualClock } from '../../../../src/lib/clock.js';

describe('dashboard login throttle', () => {
  const setup = (maxAddresses?: number) => {
    const clock = manualClock();
    const throttle = createLoginThrottle({
      maxFailures: 3,
      windowSeconds: 60,
      clock,
      ...(maxAddresses ? { maxAddresses } : {}),
    });
    return { clock, throttle };
  };

  it('when an address fails fewer times than the limit, then it may keep trying', () => {
    const { throttle } = setup();
    expect(throttle.failed('10.0.0.1')).to.equal(false);
    expect(throttle.failed('10.0.0.1')).to.equal(false);
    expect(throttle.retryAfterSeconds('10.0.0.1')).to.equal(0);
  });

  it('when an address reaches the limit, then it waits until the window that began at its first failure ends', () => {
    const { clock, throttle } = setup();
    throttle.failed('10.0.0.1');
    clock.advance(20_000);
    throttle.failed('10.0.0.1');
    clock.advance(10_500);
    expect(throttle.failed('10.0.0.1')).to.equal(true); // this one locked it
    expect(throttle.retryAfterSeconds('10.0.0.1')).to.equal(30); // 60 − 30.5, rounded up
    expect(throttle.retryAfterSeconds('10.0.0.2'), 'another address').to.equal(0);
    clock.advance(29_499);
    expect(throttle.retryAfterSeconds('10.0.0.1')).to.equal(1);
    clock.advance(1);
    expect(throttle.retryAfterSeconds('10.0.0.1')).to.equal(0);
    expect(throttle.failed('10.0.0.1'), 'a new window counts from one').to.equal(false);
  });

  it('when the right token is typed before the limit, then the count starts again', () => {
    const { throttle } = setup();
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    throttle.succeeded('10.0.0.1');
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).to.equal(0);
  });

  it('when more addresses fail than it remembers, then the oldest are forgotten, not the newest', () => {
    const { throttle } = setup(2);
    for (const address of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) throttle.failed(address);
    expect(throttle.retryAfterSeconds('a')).to.equal(0);
    expect(throttle.retryAfterSeconds('b')).to.be.greaterThan(0);
    expect(throttle.retryAfterSeconds('c')).to.be.greaterThan(0);
  });
});
