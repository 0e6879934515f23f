import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { bearer, createFuUser, jwtLogin, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

/**
 * docs/design/design.md invariant 3: every new-engine write reaches the legacy `users` twin in the same
 * transaction, with a bcrypt hash; each case is proven by a login on the legacy engine afterwards.
 */
describe('/fu_auth write-back to the legacy users table', () => {
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  let admin: string;
  before(async () => {
    deps = buildTestDeps();
    app = createApp(deps);
    const fixture = await createFuUser(deps, { superuser: true });
    admin = await jwtLogin(app, fixture.email, fixture.password);
  });
  after(() => deps.close());

  const legacyLogin = (email: string, password: string) =>
    request(app).post('/auth/login').send({ email, password });
  const legacyRow = async (id: number) =>
    (
      await deps.sequelize.query<{
        email: string;
        hashed_password: string | null;
        is_active: number;
        role: string;
        email_confirmed_at: Date | null;
      }>('SELECT * FROM users WHERE id = :id', { type: QueryTypes.SELECT, replacements: { id } })
    )[0];
  const asAdmin = (id: string, body: object) =>
    request(app).patch(`/fu_auth/users/${id}`).set(bearer(admin)).send(body);

  it('when a user registers on /fu_auth, then a legacy twin with a bcrypt hash exists and the legacy engine logs them in', async () => {
    const email = uniqueEmail('wb');
    const res = await request(app)
      .post('/fu_auth/register')
      .send({ email, password: 'register-pw-1' });
    const user = await deps.fuAuth.deps.store().getById(res.body.id);
    const row = await legacyRow(user!.legacyUserId!);
    expect(row).to.include({ email, role: 'user', is_active: 1 });
    expect(row!.hashed_password).to.match(/^\$2b\$04\$/);
    const login = await legacyLogin(email, 'register-pw-1');
    expect(login.status).to.equal(200);
    expect(login.body.user.id).to.equal(user!.legacyUserId);
  });

  it('when the password changes by PATCH /users/me, then only the new password logs in on the legacy engine', async () => {
    const { email, password } = await createFuUser(deps);
    const token = await jwtLogin(app, email, password);
    await request(app)
      .patch('/fu_auth/users/me')
      .set(bearer(token))
      .send({ password: 'patched-pw-1' })
      .expect(200);
    await legacyLogin(email, 'patched-pw-1').expect(200);
    await legacyLogin(email, password).expect(401);
  });

  it('when the password is reset, then the legacy engine takes the new one', async () => {
    const { email } = await createFuUser(deps);
    await request(app).post('/fu_auth/forgot-password').send({ email }).expect(202);
    const token = tokenIn((await outboxFor(deps, email)).at(-1));
    await request(app)
      .post('/fu_auth/reset-password')
      .send({ token, password: 'reset-pw-123' })
      .expect(200);
    await legacyLogin(email, 'reset-pw-123').expect(200);
  });

  it('when the e-mail changes, then the legacy engine logs in with the new address only', async () => {
    const { email, password } = await createFuUser(deps);
    const token = await jwtLogin(app, email, password);
    const moved = uniqueEmail('moved');
    await request(app)
      .patch('/fu_auth/users/me')
      .set(bearer(token))
      .send({ email: moved })
      .expect(200);
    await legacyLogin(moved, password).expect(200);
    await legacyLogin(email, password).expect(401);
  });

  it('when a superuser deactivates and reactivates a user, then the legacy engine says account_disabled, then lets them in', async () => {
    const { user, email, password } = await createFuUser(deps);
    await asAdmin(user.id, { is_active: false }).expect(200);
    const disabled = await legacyLogin(email, password);
    expect(disabled.status).to.equal(403);
    expect(disabled.body).to.deep.equal({ error: 'account_disabled' });
    await asAdmin(user.id, { is_active: true }).expect(200);
    await legacyLogin(email, password).expect(200);
  });

  it('when a user is promoted and demoted, then the legacy role follows (admin API access too)', async () => {
    const { user, email, password } = await createFuUser(deps);
    await asAdmin(user.id, { is_superuser: true }).expect(200);
    const agent = request.agent(app);
    const login = await agent.post('/auth/login').send({ email, password });
    expect(login.body.user.role).to.equal('admin');
    await agent.get('/api/admin/users').expect(200);
    await asAdmin(user.id, { is_superuser: false }).expect(200);
    expect((await legacyLogin(email, password)).body.user.role).to.equal('user');
  });

  it('when a user is verified and later changes e-mail, then email_confirmed_at is set, then cleared', async () => {
    const { user, email, password } = await createFuUser(deps);
    await request(app).post('/fu_auth/request-verify-token').send({ email }).expect(202);
    const token = tokenIn((await outboxFor(deps, email)).at(-1));
    await request(app).post('/fu_auth/verify').send({ token }).expect(200);
    expect((await legacyRow(user.legacyUserId!))!.email_confirmed_at).to.be.instanceOf(Date);
    await legacyLogin(email, password).expect(200);
    await asAdmin(user.id, { email: uniqueEmail('unconfirmed') }).expect(200);
    expect((await legacyRow(user.legacyUserId!))!.email_confirmed_at).to.equal(null);
  });

  it('when a user is deleted, then the legacy twin and its contacts are gone and the legacy engine refuses them', async () => {
    const { user, email, password } = await createFuUser(deps);
    const agent = request.agent(app);
    await agent.post('/auth/login').send({ email, password }).expect(200);
    await agent.post('/api/contacts').send({ name: 'Bob' }).expect(201);
    await request(app).delete(`/fu_auth/users/${user.id}`).set(bearer(admin)).expect(204);
    expect(await legacyRow(user.legacyUserId!)).to.equal(undefined);
    await legacyLogin(email, password).expect(401);
    expect((await agent.get('/auth/me')).status).to.equal(401);
  });

  it('when a legacy user changes their password on the legacy engine, then the new engine accepts only the new one (nobody locked out)', async () => {
    const legacy = await createLegacyUser(deps.sequelize);
    await jwtLogin(app, legacy.email, legacy.password);
    const agent = request.agent(app);
    await agent
      .post('/auth/login')
      .send({ email: legacy.email, password: legacy.password })
      .expect(200);
    await agent
      .post('/auth/change-password')
      .send({ current_password: legacy.password, new_password: 'legacy-new-pw' })
      .expect(204);
    await jwtLogin(app, legacy.email, 'legacy-new-pw');
    const old = await request(app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: legacy.email, password: legacy.password });
    expect(old.status).to.equal(400);
  });

  it('when the mirror write fails, then the new-engine write is rolled back too (one transaction)', async () => {
    const { user, email, password } = await createFuUser(deps);
    // A legacy row that holds an address exactly while its new-engine twin uses another one (as
    // after a period with write-back off): the new engine sees the address as free, the legacy
    // table's unique index does not.
    const other = await createLegacyUser(deps.sequelize);
    await deps.fuAuth.deps.store().importLegacy(
      {
        legacyUserId: other.id,
        email: uniqueEmail('elsewhere'),
        hashedPassword: null,
        isActive: true,
        isSuperuser: false,
        isVerified: false,
      },
      '',
    );
    const res = await asAdmin(user.id, { email: other.email });
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
    expect((await deps.fuAuth.deps.store().getById(user.id))!.email).to.equal(email);
    await jwtLogin(app, email, password);
  });

  describe('with FU_LEGACY_WRITE_BACK off', () => {
    let off: AppDeps;
    let offApp: ReturnType<typeof createApp>;
    before(() => {
      off = buildTestDeps({ env: { FU_LEGACY_WRITE_BACK: 'false' } });
      offApp = createApp(off);
    });
    after(() => off.close());

    it('when a user registers, then the twin exists for the integer id but has no password (legacy login refused)', async () => {
      const email = uniqueEmail('nowb');
      const res = await request(offApp)
        .post('/fu_auth/register')
        .send({ email, password: 'register-pw-1' });
      const user = await off.fuAuth.deps.store().getById(res.body.id);
      expect((await legacyRow(user!.legacyUserId!))!.hashed_password).to.equal(null);
      await legacyLogin(email, 'register-pw-1').expect(401);
    });

    it('when the e-mail changes, then the legacy row keeps the old address and the facade shows the new one', async () => {
      const { user, email, password } = await createFuUser(off);
      const token = await jwtLogin(offApp, email, password);
      const moved = uniqueEmail('moved');
      await request(offApp)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ email: moved })
        .expect(200);
      expect((await legacyRow(user.legacyUserId!))!.email).to.equal(email);
      const facade = await request(offApp)
        .post('/fu_auth/legacy/login')
        .send({ email: moved, password });
      expect(facade.body.user).to.include({ id: user.legacyUserId, email: moved });
      await request(offApp).post('/fu_auth/legacy/login').send({ email, password }).expect(401);
    });

    it('when a user is deleted, then the twin goes too (identity is always kept in step)', async () => {
      const { user } = await createFuUser(off);
      await off.fuAuth.deps.store().delete(user);
      expect(await legacyRow(user.legacyUserId!)).to.equal(undefined);
    });
  });
});
