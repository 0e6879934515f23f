import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { manualClock } from '../../../src/lib/clock.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { createFuUser } from '../../helpers/fu-auth.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';

/** Login and forgot-password throttling (the contract's deliberate deviation), counted in PostgreSQL. */
describe('/fu_auth rate limits', () => {
  const clock = manualClock(new Date());
  const t = useTestApp({
    clock,
    env: {
      RATE_LIMIT_LOGIN_PER_IP: '5/60',
      RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/900',
      RATE_LIMIT_FORGOT_PER_IP: '4/60',
      RATE_LIMIT_FORGOT_PER_ACCOUNT: '2/900',
    },
  });

  /** A client address of its own (trust proxy is loopback), so tests never share a window. */
  const uniqueIp = () =>
    `2001:db8::${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
  const login = (from: string, username: string, password: string, path = '/fu_auth/jwt/login') =>
    request(t.app)
      .post(path)
      .set('x-forwarded-for', from)
      .type('form')
      .send({ username, password });

  it('when one IP exceeds its login limit, then 429 {"detail":"TOO_MANY_REQUESTS"} with Retry-After', async () => {
    const from = uniqueIp();
    for (let i = 0; i < 5; i += 1)
      expect((await login(from, uniqueEmail(), 'x')).status).to.equal(400);
    const res = await login(from, uniqueEmail(), 'x');
    expect(res.status).to.equal(429);
    expect(res.text).to.equal('{"detail":"TOO_MANY_REQUESTS"}');
    expect(Number(res.headers['retry-after'])).to.be.within(1, 60);
    expect((await login(uniqueIp(), uniqueEmail(), 'x')).status).to.equal(400);
  });

  it('when the window has passed (manual clock), then the IP may try again', async () => {
    const from = uniqueIp();
    for (let i = 0; i < 6; i += 1) await login(from, uniqueEmail(), 'x');
    clock.advance(60_000);
    try {
      expect((await login(from, uniqueEmail(), 'x')).status).to.equal(400);
    } finally {
      clock.advance(-60_000);
    }
  });

  it('when an account fails 3 times, then even the right password is refused with 429, from any IP, until the window ends', async () => {
    const { email, password } = await createFuUser(t.deps);
    for (let i = 0; i < 3; i += 1) await login(uniqueIp(), email, 'wrong').expect(400);
    const res = await login(uniqueIp(), email.toUpperCase(), password);
    expect(res.status).to.equal(429);
    expect(Number(res.headers['retry-after'])).to.be.within(1, 900);
    clock.advance(900_000);
    try {
      await login(uniqueIp(), email, password).expect(200);
    } finally {
      clock.advance(-900_000);
    }
  });

  it('when failures use other spellings of one address (case, Kelvin sign, IDN vs Punycode), then they count for the one account', async () => {
    const local = `k-${uniqueIp().replace(/\W/g, '')}`;
    const { email, password } = await createFuUser(t.deps, { email: `${local}@bücher.de` });
    for (const spelling of [
      `${local.toUpperCase()}@bücher.de`,
      `\u212A${local.slice(1)}@xn--bcher-kva.de`,
      ` ${local}@XN--BCHER-KVA.DE`,
    ])
      await login(uniqueIp(), spelling, 'wrong').expect(400);
    expect((await login(uniqueIp(), email, password)).status).to.equal(429);
  });

  it('when a login succeeds, then earlier failures are forgotten', async () => {
    const { email, password } = await createFuUser(t.deps);
    for (let i = 0; i < 2; i += 1) await login(uniqueIp(), email, 'wrong').expect(400);
    await login(uniqueIp(), email, password).expect(200);
    for (let i = 0; i < 2; i += 1) await login(uniqueIp(), email, 'wrong').expect(400);
    await login(uniqueIp(), email, password).expect(200);
  });

  it('when the facade login is throttled, then 429 in the legacy format with Retry-After', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    for (let i = 0; i < 3; i += 1)
      await request(t.app)
        .post('/fu_auth/legacy/login')
        .set('x-forwarded-for', uniqueIp())
        .send({ email: legacy.email, password: 'wrong' })
        .expect(401);
    const res = await request(t.app)
      .post('/fu_auth/legacy/login')
      .set('x-forwarded-for', uniqueIp())
      .send({ email: legacy.email, password: legacy.password });
    expect(res.status).to.equal(429);
    expect(res.body).to.deep.equal({ error: 'too_many_requests' });
    expect(res.headers['retry-after']).to.match(/^\d+$/);
  });

  it('when forgot-password is asked too often for one account, then 429; for an unknown e-mail as well (no enumeration)', async () => {
    for (const email of [(await createFuUser(t.deps)).email, uniqueEmail('ghost')]) {
      for (let i = 0; i < 2; i += 1)
        await request(t.app)
          .post('/fu_auth/forgot-password')
          .set('x-forwarded-for', uniqueIp())
          .send({ email })
          .expect(202);
      const res = await request(t.app)
        .post('/fu_auth/forgot-password')
        .set('x-forwarded-for', uniqueIp())
        .send({ email });
      expect(res.status).to.equal(429);
      expect(res.body).to.deep.equal({ detail: 'TOO_MANY_REQUESTS' });
    }
  });

  it('when forgot-password is asked too often from one IP, then 429', async () => {
    const from = uniqueIp();
    for (let i = 0; i < 4; i += 1)
      await request(t.app)
        .post('/fu_auth/forgot-password')
        .set('x-forwarded-for', from)
        .send({ email: uniqueEmail() })
        .expect(202);
    const res = await request(t.app)
      .post('/fu_auth/forgot-password')
      .set('x-forwarded-for', from)
      .send({ email: uniqueEmail() });
    expect(res.status).to.equal(429);
  });

  it('when two t.app instances share the database, then they count together', async () => {
    const second = buildTestDeps({ clock, env: { RATE_LIMIT_LOGIN_PER_IP: '5/60' } });
    try {
      const from = uniqueIp();
      for (let i = 0; i < 5; i += 1) await login(from, uniqueEmail(), 'x');
      const res = await request(createApp(second))
        .post('/fu_auth/jwt/login')
        .set('x-forwarded-for', from)
        .type('form')
        .send({ username: uniqueEmail(), password: 'x' });
      expect(res.status).to.equal(429);
    } finally {
      await second.close();
    }
  });

  it('when a hit and a peek share one round trip, then only the hit counts and each verdict reads its own window', async () => {
    const { limiter } = t.deps.fuAuth;
    const hitKey = `test:hit:${uniqueIp()}`;
    const peekKey = `test:peek:${uniqueIp()}`;
    const hit = { key: hitKey, rule: { max: 2, windowSeconds: 60 } };
    const peek = { key: peekKey, rule: { max: 2, windowSeconds: 60 } };
    const [first, untouched] = await limiter.hitThenPeek(hit, peek);
    expect([first.hits, first.limited, untouched.hits, untouched.limited]).to.deep.equal([
      1,
      false,
      0,
      false,
    ]);
    await limiter.hit(peekKey, peek.rule);
    await limiter.hit(peekKey, peek.rule);
    await limiter.hitThenPeek(hit, peek);
    const [third, full] = await limiter.hitThenPeek(hit, peek);
    expect([third.hits, third.limited, full.hits, full.limited]).to.deep.equal([3, true, 2, true]);
    expect(full.retryAfterSeconds).to.be.within(1, 60);
  });

  it('when rate limiting is switched off, then nothing is refused', async () => {
    const open = buildTestDeps({
      env: { RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_LOGIN_PER_IP: '1/60' },
    });
    try {
      const from = uniqueIp();
      for (let i = 0; i < 3; i += 1) {
        const res = await request(createApp(open))
          .post('/fu_auth/jwt/login')
          .set('x-forwarded-for', from)
          .type('form')
          .send({ username: uniqueEmail(), password: 'x' });
        expect(res.status).to.equal(400);
      }
    } finally {
      await open.close();
    }
  });
});
