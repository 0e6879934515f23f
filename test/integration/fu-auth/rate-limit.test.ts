import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { AppError } from '../../../src/errors/app-error.js';
import { createThrottles } from '../../../src/rate-limit/throttles.js';
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

  /**
   * A client address of its own (trust proxy is loopback), so tests never share a window: a /64
   * of its own, since an IPv6 client is counted by its /64.
   */
  const uniqueIp = () =>
    `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::1`;
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

  it('when an account fails 3 times from one IP, then that IP is refused even the right password with 429 until the window ends', async () => {
    const { email, password } = await createFuUser(t.deps);
    const from = uniqueIp();
    for (let i = 0; i < 3; i += 1) await login(from, email, 'wrong').expect(400);
    const res = await login(from, email.toUpperCase(), password);
    expect(res.status).to.equal(429);
    expect(Number(res.headers['retry-after'])).to.be.within(1, 900);
    clock.advance(900_000);
    try {
      await login(from, email, password).expect(200);
    } finally {
      clock.advance(-900_000);
    }
  });

  it('when an account fails 10 times from one IP, then its owner still logs in from another IP (no lockout lever)', async () => {
    const { email, password } = await createFuUser(t.deps);
    const attacker = uniqueIp();
    for (let i = 0; i < 10; i += 1) await login(attacker, email, 'wrong');
    expect((await login(attacker, email, 'wrong')).status).to.equal(429);
    await login(uniqueIp(), email, password).expect(200);
  });

  it('when failures use other spellings of one address (case, Kelvin sign, IDN vs Punycode), then they count for the one account', async () => {
    const local = `k-${uniqueIp().replace(/\W/g, '')}`;
    const { email, password } = await createFuUser(t.deps, { email: `${local}@bücher.de` });
    const from = uniqueIp();
    for (const spelling of [
      `${local.toUpperCase()}@bücher.de`,
      `\u212A${local.slice(1)}@xn--bcher-kva.de`,
      ` ${local}@XN--BCHER-KVA.DE`,
    ])
      await login(from, spelling, 'wrong').expect(400);
    expect((await login(from, email, password)).status).to.equal(429);
  });

  it('when more wrong passwords than the budget arrive at once, then at most the budget is evaluated', async () => {
    const { email } = await createFuUser(t.deps);
    const from = uniqueIp();
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, () => login(from, email, 'wrong')))
    ).map((res) => res.status);
    expect(statuses.filter((s) => s === 400)).to.have.length(3);
    expect(statuses.filter((s) => s === 429)).to.have.length(9);
  });

  it('when a login succeeds, then earlier failures are forgotten', async () => {
    const { email, password } = await createFuUser(t.deps);
    for (let i = 0; i < 2; i += 1) await login(uniqueIp(), email, 'wrong').expect(400);
    await login(uniqueIp(), email, password).expect(200);
    for (let i = 0; i < 2; i += 1) await login(uniqueIp(), email, 'wrong').expect(400);
    await login(uniqueIp(), email, password).expect(200);
  });

  it("when a login succeeds from an address, then that address's earlier failures are forgotten", async () => {
    const { email, password } = await createFuUser(t.deps);
    const from = uniqueIp(); // five requests: the per-IP limit here is 5/60
    for (let i = 0; i < 2; i += 1) await login(from, email, 'wrong').expect(400);
    await login(from, email, password).expect(200);
    // Without the success, these would be its 3rd and 4th failures: the 4th refused with 429.
    for (let i = 0; i < 2; i += 1) await login(from, email, 'wrong').expect(400);
  });

  it('when the facade login is throttled, then 429 in the legacy format with Retry-After', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const from = uniqueIp();
    for (let i = 0; i < 3; i += 1)
      await request(t.app)
        .post('/fu_auth/legacy/login')
        .set('x-forwarded-for', from)
        .send({ email: legacy.email, password: 'wrong' })
        .expect(401);
    const res = await request(t.app)
      .post('/fu_auth/legacy/login')
      .set('x-forwarded-for', from)
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

  it('when request-verify-token is asked too often for one account, then 429 (no mailbox flooding), for an unknown e-mail as well', async () => {
    for (const email of [(await createFuUser(t.deps)).email, uniqueEmail('ghost')]) {
      const ask = () =>
        request(t.app)
          .post('/fu_auth/request-verify-token')
          .set('x-forwarded-for', uniqueIp())
          .send({ email });
      for (let i = 0; i < 2; i += 1) await ask().expect(202);
      const res = await ask();
      expect(res.status).to.equal(429);
      expect(res.body).to.deep.equal({ detail: 'TOO_MANY_REQUESTS' });
    }
  });

  it('when request-verify-token is asked too often from one IP, then 429', async () => {
    const from = uniqueIp();
    const ask = () =>
      request(t.app)
        .post('/fu_auth/request-verify-token')
        .set('x-forwarded-for', from)
        .send({ email: uniqueEmail('verify-ip') });
    for (let i = 0; i < 4; i += 1) await ask().expect(202);
    expect((await ask()).status).to.equal(429);
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

  it('when claims are admitted in one round trip, then a refused step stops the chain and a reservation never goes past its budget', async () => {
    const { limiter } = t.deps;
    const ipKey = `test:hit:${uniqueIp()}`;
    const pairKey = `test:reserve:${uniqueIp()}`;
    const tallyKey = `test:tally:${uniqueIp()}`;
    const rule = { max: 2, windowSeconds: 60 };
    const claims = [
      { key: ipKey, rule: { max: 10, windowSeconds: 60 }, mode: 'hit' as const },
      { key: pairKey, rule, mode: 'reserve' as const },
      { key: tallyKey, rule, mode: 'hit' as const },
    ];
    const first = await limiter.admit(claims);
    expect(first.map((v) => v?.hits)).to.deep.equal([1, 1, 1]);
    await limiter.admit(claims);
    const [ip, refused, untouched] = await limiter.admit(claims);
    expect([ip!.hits, ip!.limited, refused!.hits, refused!.limited]).to.deep.equal([
      3,
      false,
      2,
      true,
    ]);
    expect(refused!.retryAfterSeconds).to.be.within(1, 60);
    expect(untouched, 'a step after a refused one does not run').to.equal(undefined);
    await limiter.refund(pairKey);
    const [, again, tally] = await limiter.admit(claims);
    expect([again!.limited, tally!.hits]).to.deep.equal([false, 3]);
  });

  it('when failures from every address pass the account-wide mark, then attempts wait a doubling delay instead of being refused', async () => {
    const waits: number[] = [];
    const throttles = createThrottles(
      t.deps.limiter,
      {
        ...t.deps.config.fuAuth.rateLimit,
        loginSlowdownPerAccount: { max: 2, windowSeconds: 3600 },
        loginSlowdownMaxMs: 1000,
      },
      { pause: async (ms) => void waits.push(ms) },
    );
    const email = uniqueEmail('slow');
    const fail = () => Promise.reject(new AppError('LOGIN_BAD_CREDENTIALS'));
    for (let i = 0; i < 6; i += 1)
      await throttles.login(uniqueIp(), email, fail).catch((error: unknown) => {
        expect(error).to.have.property('code', 'LOGIN_BAD_CREDENTIALS');
      });
    expect(await throttles.login(uniqueIp(), email, async () => 'owner')).to.equal('owner');
    expect(waits).to.deep.equal([250, 500, 1000, 1000]);
  });

  it('when a login fails, then it is answered no sooner than the timing floor; a success is not held back', async () => {
    for (const enabled of [true, false]) {
      const waits: number[] = [];
      const throttles = createThrottles(
        t.deps.limiter,
        { ...t.deps.config.fuAuth.rateLimit, enabled },
        { failureFloorMs: () => 5000, pause: async (ms) => void waits.push(ms) },
      );
      await throttles
        .login(uniqueIp(), uniqueEmail('floor'), () =>
          Promise.reject(new AppError('LOGIN_BAD_CREDENTIALS')),
        )
        .catch(() => undefined);
      expect(waits, `enabled=${enabled}`).to.have.length(1);
      expect(waits[0]).to.be.within(4000, 5000);
      await throttles.login(uniqueIp(), uniqueEmail('floor'), async () => 'ok');
      expect(waits).to.have.length(1);
    }
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
