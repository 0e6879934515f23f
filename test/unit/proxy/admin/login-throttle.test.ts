import { expect } from 'chai';
import {
  createLoginThrottle,
  type LoginAttempt,
  type LoginThrottle,
} from '../../../../proxy/admin/login-throttle.js';
import { manualClock } from '../../../../src/lib/clock.js';

/** Reserves a guess and expects to get one. */
function guess(throttle: LoginThrottle, address: string): LoginAttempt {
  const reservation = throttle.reserve(address);
  if (!reservation.ok) throw new Error(`${address} was refused`);
  return reservation.attempt;
}

/** Whole seconds until `address` may try again; 0 when it may try now (the guess is released). */
function retryAfter(throttle: LoginThrottle, address: string): number {
  const reservation = throttle.reserve(address);
  if (!reservation.ok) return reservation.retryAfterSeconds;
  reservation.attempt.release();
  return 0;
}

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
  const fail = (throttle: LoginThrottle, address: string) => guess(throttle, address).failed();

  it('when an address fails fewer times than the limit, then it may keep trying', () => {
    const { throttle } = setup();
    expect(fail(throttle, '10.0.0.1')).to.equal(false);
    expect(fail(throttle, '10.0.0.1')).to.equal(false);
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(0);
  });

  it('when an address reaches the limit, then it waits until the window that began at its first failure ends', () => {
    const { clock, throttle } = setup();
    const first = guess(throttle, '10.0.0.1');
    clock.advance(5_000); // a slow body: the window starts when the token proves wrong
    first.failed();
    clock.advance(20_000);
    fail(throttle, '10.0.0.1');
    clock.advance(10_500);
    expect(fail(throttle, '10.0.0.1')).to.equal(true); // this one locked it
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(30); // 60 − 30.5, rounded up
    expect(retryAfter(throttle, '10.0.0.2'), 'another address').to.equal(0);
    clock.advance(29_499);
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(1);
    clock.advance(1);
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(0);
    expect(fail(throttle, '10.0.0.1'), 'a new window counts from one').to.equal(false);
  });

  it('when the right token is typed before the limit, then the count starts again', () => {
    const { throttle } = setup();
    fail(throttle, '10.0.0.1');
    fail(throttle, '10.0.0.1');
    guess(throttle, '10.0.0.1').succeeded();
    fail(throttle, '10.0.0.1');
    fail(throttle, '10.0.0.1');
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(0);
  });

  it('when more addresses fail than it remembers, then the oldest are forgotten, not the newest', () => {
    const { throttle } = setup(2);
    for (const address of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) fail(throttle, address);
    expect(retryAfter(throttle, 'b')).to.be.greaterThan(0);
    expect(retryAfter(throttle, 'c')).to.be.greaterThan(0);
    expect(retryAfter(throttle, 'a')).to.equal(0); // asked last: a guess takes a place itself
  });

  it('when guesses are still in flight, then they use up the budget before any token is compared', () => {
    const { throttle } = setup();
    const open = [1, 2, 3].map(() => guess(throttle, '10.0.0.1'));
    expect(throttle.reserve('10.0.0.1')).to.deep.equal({ ok: false, retryAfterSeconds: 1 });
    expect(open.map((attempt) => attempt.failed())).to.deep.equal([false, false, true]);
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(60);
  });

  it('when a guess’s body never comes, then its reservation goes back to the budget, once', () => {
    const { throttle } = setup();
    const lost = guess(throttle, '10.0.0.1');
    fail(throttle, '10.0.0.1');
    fail(throttle, '10.0.0.1');
    lost.release();
    lost.release();
    expect(lost.failed(), 'a settled guess counts no more').to.equal(false);
    const last = guess(throttle, '10.0.0.1');
    expect(throttle.reserve('10.0.0.1').ok, 'one guess left, and it is taken').to.equal(false);
    expect(last.failed()).to.equal(true);
  });

  it('when the right token arrives while other guesses are in flight, then their failures still count', () => {
    const { throttle } = setup();
    const slow = [1, 2].map(() => guess(throttle, '10.0.0.1'));
    guess(throttle, '10.0.0.1').succeeded();
    slow.forEach((attempt) => attempt.failed());
    expect(fail(throttle, '10.0.0.1')).to.equal(true);
  });

  it('when a guess stays in flight past the window, then its failure counts in the next one', () => {
    const { clock, throttle } = setup();
    const slow = guess(throttle, '10.0.0.1');
    fail(throttle, '10.0.0.1');
    clock.advance(60_000);
    expect(retryAfter(throttle, '10.0.0.1')).to.equal(0);
    slow.failed();
    fail(throttle, '10.0.0.1');
    expect(fail(throttle, '10.0.0.1')).to.equal(true);
  });
});
