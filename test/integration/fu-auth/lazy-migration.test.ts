import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { cookieLogin, jwtLogin, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';

/** docs/design/design.md invariants 1 and 2: one identity, imported on first login or reset request. */
describe('/fu_auth lazy migration of legacy users', () => {
  const t = useTestApp();

  interface FuRow {
    id: string;
    email: string;
    hashed_password: string;
    is_active: boolean;
    is_superuser: boolean;
    is_verified: boolean;
    legacy_user_id: number;
  }
  const fuRows = (legacyId: number) =>
    t.deps.sequelize.query<FuRow>('SELECT * FROM fu_users WHERE legacy_user_id = :legacyId', {
      type: QueryTypes.SELECT,
      replacements: { legacyId },
    });
  const legacyLogin = (email: string, password: string) =>
    request(t.app).post('/auth/login').send({ email, password });

  for (const hash of ['bcrypt-2b', 'bcrypt-2a', 'bcrypt-2y', 'pbkdf2_sha256'] as const) {
    it(`when a legacy-only ${hash} user logs in on /jwt/login, then they are imported with argon2id in that request, and the legacy login still works`, async () => {
      const legacy = await createLegacyUser(t.deps.sequelize, { hash });
      expect(await fuRows(legacy.id)).to.deep.equal([]);
      const token = await jwtLogin(t.app, legacy.email, legacy.password);
      const [row] = await fuRows(legacy.id);
      expect(row!.hashed_password).to.match(/^\$argon2id\$/);
      expect(row).to.include({ email: legacy.email, is_active: true, is_superuser: false });
      const me = await request(t.app)
        .get('/fu_auth/users/me')
        .set('authorization', `Bearer ${token}`);
      expect(me.body.id).to.equal(row!.id);
      await legacyLogin(legacy.email, legacy.password).expect(200);
    });
  }

  it('when imported, then the same person keeps one UUID across logins on every new-engine route', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    await cookieLogin(t.app, legacy.email, legacy.password);
    await jwtLogin(t.app, legacy.email.toUpperCase(), legacy.password);
    await request(t.app)
      .post('/fu_auth/legacy/login')
      .send({ email: legacy.email, password: legacy.password })
      .expect(200);
    expect(await fuRows(legacy.id)).to.have.length(1);
  });

  it('when an admin with a confirmed e-mail is imported, then role admin → superuser and confirmed → verified', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize, { role: 'admin' });
    await t.deps.sequelize.query('UPDATE users SET email_confirmed_at = now() WHERE id = :id', {
      replacements: { id: legacy.id },
    });
    await jwtLogin(t.app, legacy.email, legacy.password);
    expect((await fuRows(legacy.id))[0]).to.include({ is_superuser: true, is_verified: true });
  });

  it('when an inactive legacy user gives the right password, then 400 LOGIN_BAD_CREDENTIALS (imported inactive)', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize, { active: false });
    const res = await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: legacy.email, password: legacy.password });
    expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    expect((await fuRows(legacy.id))[0]).to.include({ is_active: false });
  });

  it('when the password is wrong, then nothing is imported', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: legacy.email, password: 'wrong' })
      .expect(400);
    expect(await fuRows(legacy.id)).to.deep.equal([]);
  });

  it('when a legacy-only user asks for a password reset, then they are imported (legacy hash kept) and the reset works on both engines', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    await request(t.app).post('/fu_auth/forgot-password').send({ email: legacy.email }).expect(202);
    await t.deps.background.drain(); // the import happens after the answer
    const [row] = await fuRows(legacy.id);
    expect(row!.hashed_password).to.match(/^\$2b\$/);
    const [mail] = await outboxFor(t.deps, legacy.email);
    const token = /token=([^\s&]+)/.exec(mail!.text)![1]!;
    await request(t.app)
      .post('/fu_auth/reset-password')
      .send({ token, password: 'reset-pass-123' })
      .expect(200);
    await jwtLogin(t.app, legacy.email, 'reset-pass-123');
    await legacyLogin(legacy.email, 'reset-pass-123').expect(200);
  });

  it('when an invited legacy user (NULL hash) resets their password, then they can log in afterwards', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize, { hash: 'none' });
    await request(t.app).post('/fu_auth/forgot-password').send({ email: legacy.email }).expect(202);
    const [mail] = await outboxFor(t.deps, legacy.email);
    const token = /token=([^\s&]+)/.exec(mail!.text)![1]!;
    await request(t.app)
      .post('/fu_auth/reset-password')
      .send({ token, password: 'first-pass-123' })
      .expect(200);
    await jwtLogin(t.app, legacy.email, 'first-pass-123');
  });

  it('when an inactive legacy-only user asks for a reset, then 202, no e-mail and no import', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize, { active: false });
    await request(t.app).post('/fu_auth/forgot-password').send({ email: legacy.email }).expect(202);
    expect(await outboxFor(t.deps, legacy.email)).to.deep.equal([]);
    expect(await fuRows(legacy.id)).to.deep.equal([]);
  });

  describe('when legacy e-mails differ only by case', () => {
    async function pair() {
      const lower = uniqueEmail('dup');
      const upper = lower.replace(/^dup/, 'DUP');
      const a = await createLegacyUser(t.deps.sequelize, {
        email: lower,
        password: 'password-lower',
      });
      const b = await createLegacyUser(t.deps.sequelize, {
        email: upper,
        password: 'password-upper',
      });
      return { a, b, mixed: lower.replace(/^dup/, 'Dup') };
    }

    it('then the exact-case row is the one that logs in, on each spelling', async () => {
      const { a, b } = await pair();
      await jwtLogin(t.app, a.email, 'password-lower');
      expect(await fuRows(a.id)).to.have.length(1);
      expect(await fuRows(b.id)).to.have.length(0);
    });

    it('then a spelling that matches neither exactly is bad credentials (never a guess, never 500)', async () => {
      const { a, b, mixed } = await pair();
      for (const password of ['password-lower', 'password-upper']) {
        const res = await request(t.app)
          .post('/fu_auth/jwt/login')
          .type('form')
          .send({ username: mixed, password });
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
      }
      expect(await fuRows(a.id)).to.have.length(0);
      expect(await fuRows(b.id)).to.have.length(0);
    });

    const refusedOnNewEngine = async (email: string, password: string) => {
      for (const path of ['/fu_auth/jwt/login', '/fu_auth/cookie/login']) {
        const res = await request(t.app)
          .post(path)
          .type('form')
          .send({ username: email, password });
        expect(res.status, path).to.equal(400);
        expect(res.body, path).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
      }
    };
    const facadeLogin = (email: string, password: string) =>
      request(t.app).post('/fu_auth/legacy/login').send({ email, password });

    it('then the newer twin binds nothing on the new engine (jwt and cookie answer bad credentials), before and after the older one is imported, and still logs in on the legacy engine and, unbound, on the facade', async () => {
      const { a, b } = await pair();
      await refusedOnNewEngine(b.email, 'password-upper');
      expect(await fuRows(b.id)).to.have.length(0);
      await jwtLogin(t.app, a.email, 'password-lower');
      await refusedOnNewEngine(b.email, 'password-upper');
      expect(await fuRows(b.id)).to.have.length(0);
      const legacy = await legacyLogin(b.email, 'password-upper').expect(200);
      expect(legacy.body.user.id).to.equal(b.id);
      // An existing twin's legacy login works on the new arm too (served from its own legacy
      // row, never bound): the legacy contract keeps existing twins working for their owners.
      const facade = await facadeLogin(b.email, 'password-upper').expect(200);
      expect(facade.body).to.deep.equal(legacy.body);
      expect(await fuRows(b.id)).to.have.length(0);
      const me = await request(t.app)
        .get('/fu_auth/legacy/me')
        .set('cookie', facade.headers['set-cookie']![0]!.split(';')[0]!)
        .expect(200);
      expect(me.body.user.id).to.equal(b.id);
      const wrong = await facadeLogin(b.email, 'password-lower').expect(401);
      expect(wrong.body).to.deep.equal({ error: 'invalid_credentials' });
    });

    it('then the facade logs the older twin in with its exact spelling only', async () => {
      const { a, mixed } = await pair();
      const ok = await request(t.app)
        .post('/fu_auth/legacy/login')
        .send({ email: a.email, password: 'password-lower' });
      expect(ok.status).to.equal(200);
      expect(ok.body.user.id).to.equal(a.id);
      await refusedOnNewEngine(mixed, 'password-lower');
      const nobody = await facadeLogin(mixed, 'password-lower').expect(401);
      expect(nobody.body).to.deep.equal({ error: 'invalid_credentials' });
    });

    it('then, when only the newer twin confirmed its e-mail, that one binds and the older does not', async () => {
      const { a, b } = await pair();
      await t.deps.sequelize.query('UPDATE users SET email_confirmed_at = now() WHERE id = :id', {
        replacements: { id: b.id },
      });
      await refusedOnNewEngine(a.email, 'password-lower');
      await jwtLogin(t.app, b.email, 'password-upper');
      expect(await fuRows(b.id)).to.have.length(1);
      expect(await fuRows(a.id)).to.have.length(0);
    });

    it('then forgot-password and request-verify-token for the newer spelling send nothing and import nothing, and those of the older one reach only it', async () => {
      const { a, b } = await pair();
      for (const path of ['/fu_auth/forgot-password', '/fu_auth/request-verify-token'])
        for (const email of [b.email, a.email]) {
          await request(t.app).post(path).send({ email }).expect(202);
          await t.deps.background.drain(); // one e-mail after the other
        }
      expect(await outboxFor(t.deps, b.email)).to.deep.equal([]);
      expect(await fuRows(b.id)).to.have.length(0);
      const mails = await outboxFor(t.deps, a.email);
      expect(mails.map((m) => m.subject)).to.deep.equal([
        'Reset your password',
        'Confirm your e-mail address',
      ]);
      const verified = await request(t.app)
        .post('/fu_auth/verify')
        .send({ token: tokenIn(mails[1]) });
      expect(verified.status).to.equal(200);
      expect(verified.body.id).to.equal((await fuRows(a.id))[0]!.id);
    });
  });

  describe('when an address is ambiguous (twins, none matching)', () => {
    let base: AppDeps;
    let deps: AppDeps;
    let dummies = 0;
    before(() => {
      base = buildTestDeps();
      deps = buildTestDeps({
        hasher: {
          ...base.hasher,
          dummyVerify: async (password) => {
            dummies += 1;
            await base.hasher.dummyVerify(password);
          },
        },
      });
    });
    after(async () => {
      await deps.close();
      await base.close();
    });

    it('then each login costs one dummy verification, as an unknown e-mail does (no timing oracle)', async () => {
      const lower = uniqueEmail('tim');
      await createLegacyUser(deps.sequelize, { email: lower, password: 'password-lower' });
      await createLegacyUser(deps.sequelize, {
        email: lower.toUpperCase(),
        password: 'password-upper',
      });
      const app = createApp(deps);
      const mixed = lower.replace(/^tim/, 'Tim');
      const before = dummies;
      await request(app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: mixed, password: 'password-lower' })
        .expect(400);
      await request(app)
        .post('/fu_auth/legacy/login')
        .send({ email: mixed, password: 'password-lower' })
        .expect(401);
      expect(dummies - before).to.equal(2);
    });
  });
});
