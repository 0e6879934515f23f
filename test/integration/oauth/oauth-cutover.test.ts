import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { syncBackToFuUsers } from '../../../src/consolidation/sync-back.js';
import type { AppDeps } from '../../../src/deps.js';
import { createSettingsRepository } from '../../../src/settings/settings-repository.js';
import { phase1Database, type Phase1Database } from '../../helpers/consolidation.js';
import { createLegacyUser, type LegacyUserFixture } from '../../helpers/factories.js';
import { bearer, setCookies } from '../../helpers/fu-auth.js';
import { listenTestProvider, type TestProvider } from '../../helpers/oidc-test-provider.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

/**
 * OAuth links through the migration: a legacy-only user's first OAuth sign-in lands in their own
 * account (their legacy password still works), and the link survives cutover and rollback, also
 * for links made while consolidated.
 */
describe('OAuth links across cutover and rollback', function () {
  this.timeout(60000);
  let db: Phase1Database;
  let idp: TestProvider;
  let deps: AppDeps;
  let server: http.Server;
  let base: string;

  before(async () => {
    db = await phase1Database();
    idp = await listenTestProvider();
    deps = buildTestDeps({
      databaseUrl: db.url,
      env: {
        OAUTH_PROVIDERS: JSON.stringify([
          {
            name: 'idp',
            issuer: idp.issuer,
            clientId: idp.clientId,
            clientSecret: idp.clientSecret,
            associateByEmail: true,
          },
        ]),
      },
    });
    await deps.fuAuth.userStore.start();
    server = http.createServer(createApp(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp.start([`${base}/fu_auth/idp/callback`]);
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await deps?.close();
    await idp?.close();
    await db?.drop();
  });

  const app = () => request(base);

  /** The user id a provider sign-in lands in. */
  async function signIn(sub: string): Promise<string> {
    const res = await app().get('/fu_auth/idp/authorize');
    const csrf = setCookies(res)[0]!.split(';')[0]!;
    const back = await idp.login(res.body.authorization_url as string, sub);
    const callback = await app().get(`${back.pathname}${back.search}`).set('cookie', csrf);
    expect(callback.status, JSON.stringify(callback.body)).to.equal(200);
    const me = await app()
      .get('/fu_auth/users/me')
      .set(bearer(callback.body.access_token as string));
    return me.body.id as string;
  }

  async function legacyLogin(user: LegacyUserFixture): Promise<void> {
    const res = await app()
      .post('/auth/login')
      .send({ email: user.email, password: user.password });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  const fkTarget = async () =>
    (
      await db.sequelize.query<{ target: string }>(
        `SELECT confrelid::regclass::text AS target FROM pg_constraint WHERE conname = 'oauth_accounts_user_id_fkey'`,
        { type: QueryTypes.SELECT },
      )
    )[0]?.target;

  async function switchStore(to: 'users' | 'fu_users') {
    await createSettingsRepository(db.sequelize).writeUserStore(to, 'oauth cutover test');
    await deps.fuAuth.userStore.refresh();
    expect(deps.fuAuth.deps.store().kind).to.equal(to);
  }

  it('when a legacy-only user signs in with OAuth, then cutover and rollback keep the link, and links made while consolidated survive rollback', async () => {
    const before = await createLegacyUser(db.sequelize);
    const during = await createLegacyUser(db.sequelize);
    idp.accounts.set('sub-before', { email: before.email, email_verified: true });
    idp.accounts.set('sub-during', { email: during.email, email_verified: true });

    const id = await signIn('sub-before');
    expect((await deps.fuAuth.deps.store().getById(id))?.legacyUserId).to.equal(before.id);
    await legacyLogin(before);

    // Cutover: consolidate, then the new engine serves from `users`.
    await db.consolidator().up();
    await switchStore('users');
    expect(await fkTarget()).to.equal('users');
    expect(await signIn('sub-before')).to.equal(id);
    const duringId = await signIn('sub-during');

    // Rollback, in the order of npm run rollback.
    await syncBackToFuUsers(db.sequelize, 50, () => undefined);
    await switchStore('fu_users');
    await db.consolidator().down({ to: 0 });
    expect(await fkTarget()).to.equal('fu_users');
    expect(await signIn('sub-before')).to.equal(id);
    expect(await signIn('sub-during')).to.equal(duringId);
    expect((await deps.fuAuth.deps.store().getById(duringId))?.legacyUserId).to.equal(during.id);
    await legacyLogin(before);
    await legacyLogin(during);
  });
});
