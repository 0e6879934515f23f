import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { decodeJwt, SignJWT } from 'jose';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { bearer, createFuUser, setCookies } from '../../helpers/fu-auth.js';
import { listenTestProvider, type TestProvider } from '../../helpers/oidc-test-provider.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

const CSRF = 'fastapiusersoauthcsrf';

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * OpenID Connect sign-in on /fu_auth against a real provider (oidc-provider on a local port), the
 * app listening on a real port too: authorize → login at the provider → callback.
 */
describe('/fu_auth OAuth (OpenID Connect) sign-in', function () {
  this.timeout(20000);
  let idp: TestProvider;
  let deps: AppDeps;
  let server: http.Server;
  let base: string;

  before(async () => {
    idp = await listenTestProvider();
    const common = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret };
    deps = buildTestDeps({
      env: {
        OAUTH_PROVIDERS: JSON.stringify([
          { name: 'idp', ...common },
          {
            name: 'idp-link',
            ...common,
            backend: 'cookie',
            associateByEmail: true,
            isVerifiedByDefault: true,
          },
          { name: 'down', ...common, issuer: await closedPortUrl() },
        ]),
      },
    });
    server = http.createServer(createApp(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp.start(
      ['idp', 'idp-link'].flatMap((name) => [
        `${base}/fu_auth/${name}/callback`,
        `${base}/fu_auth/associate/${name}/callback`,
      ]),
    );
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await deps?.close();
    await idp?.close();
  });

  const app = () => request(base);
  const account = (email: string | undefined, verified = true) => {
    const id = `sub-${Math.random().toString(36).slice(2)}`;
    idp.accounts.set(id, email === undefined ? {} : { email, email_verified: verified });
    return id;
  };

  /** authorize → provider login → the callback URL's path and query, and the CSRF cookie. */
  async function throughProvider(
    name: string,
    accountId: string,
    options: { associate?: Record<string, string> } = {},
  ) {
    const prefix = options.associate ? `/fu_auth/associate/${name}` : `/fu_auth/${name}`;
    const res = await app()
      .get(`${prefix}/authorize`)
      .set(options.associate ?? {});
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const csrf = setCookies(res)
      .find((c) => c.startsWith(`${CSRF}=`))!
      .split(';')[0]!;
    const back = await idp.login(res.body.authorization_url as string, accountId);
    return {
      callback: `${back.pathname}${back.search}`,
      csrf,
      state: back.searchParams.get('state')!,
    };
  }

  const login = async (username: string, password: string) => {
    const res = await app().post('/fu_auth/jwt/login').type('form').send({ username, password });
    expect(res.status).to.equal(200);
    return res.body.access_token as string;
  };

  const linksOf = (userId: string) =>
    deps.sequelize.query<{ oauth_name: string; account_id: string; account_email: string }>(
      'SELECT oauth_name, account_id, account_email FROM oauth_accounts WHERE user_id = :userId',
      { type: QueryTypes.SELECT, replacements: { userId } },
    );

  it('when authorize is called, then it answers the provider URL with a PKCE challenge, and the state pairs with the CSRF cookie', async () => {
    const res = await app().get('/fu_auth/idp/authorize?scopes=profile&scopes=email');
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body)).to.deep.equal(['authorization_url']);
    const url = new URL(res.body.authorization_url as string);
    expect(url.origin).to.equal(idp.issuer);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('redirect_uri')).to.equal(`${base}/fu_auth/idp/callback`);
    expect(url.searchParams.get('scope')).to.equal('openid profile email');
    const [cookie] = setCookies(res);
    expect(cookie).to.match(
      new RegExp(`^${CSRF}=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=3600; Path=/; SameSite=lax$`),
    );
    const state = decodeJwt(url.searchParams.get('state')!);
    expect(Object.keys(state)).to.deep.equal(['csrftoken', 'aud', 'exp']);
    expect(state.aud).to.equal('fastapi-users:oauth-state');
    expect(`${CSRF}=${String(state.csrftoken)}`).to.equal(cookie!.split(';')[0]);
  });

  it('when a new person signs in on the JWT backend, then a user is created, linked and logged in; a second sign-in finds the same user', async () => {
    const email = uniqueEmail('oauth-new');
    const sub = account(email);
    const first = await throughProvider('idp', sub);
    const res = await app().get(first.callback).set('cookie', first.csrf);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.token_type).to.equal('bearer');
    const me = await app()
      .get('/fu_auth/users/me')
      .set(bearer(res.body.access_token as string));
    expect(me.body).to.include({ email, is_active: true, is_verified: false });
    expect(await linksOf(me.body.id as string)).to.deep.equal([
      { oauth_name: 'idp', account_id: sub, account_email: email },
    ]);

    const again = await throughProvider('idp', sub);
    const second = await app().get(again.callback).set('cookie', again.csrf);
    expect(second.status).to.equal(200);
    const meAgain = await app()
      .get('/fu_auth/users/me')
      .set(bearer(second.body.access_token as string));
    expect(meAgain.body.id).to.equal(me.body.id);
  });

  it('when the provider uses the cookie backend, then the callback answers 204 with the auth cookie, verified by default', async () => {
    const email = uniqueEmail('oauth-cookie');
    const flow = await throughProvider('idp-link', account(email));
    const res = await app().get(flow.callback).set('cookie', flow.csrf);
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    const auth = setCookies(res).find((c) => c.startsWith('fastapiusersauth='))!;
    const me = await app().get('/fu_auth/users/me').set('cookie', auth.split(';')[0]!);
    expect(me.body).to.include({ email, is_verified: true });
  });

  it('when an account holds the e-mail, then it is linked only with associate_by_email and a verified provider e-mail', async () => {
    const { email, user } = await createFuUser(deps);
    const off = await throughProvider('idp', account(email));
    const refused = await app().get(off.callback).set('cookie', off.csrf);
    expect([refused.status, refused.body]).to.deep.equal([
      400,
      { detail: 'OAUTH_USER_ALREADY_EXISTS' },
    ]);

    const unverified = await throughProvider('idp-link', account(email, false));
    const refusedToo = await app().get(unverified.callback).set('cookie', unverified.csrf);
    expect([refusedToo.status, refusedToo.body]).to.deep.equal([
      400,
      { detail: 'OAUTH_USER_ALREADY_EXISTS' },
    ]);
    expect(await linksOf(user.id)).to.deep.equal([]);

    const sub = account(email.toUpperCase());
    const on = await throughProvider('idp-link', sub);
    const linked = await app().get(on.callback).set('cookie', on.csrf);
    expect(linked.status, JSON.stringify(linked.body)).to.equal(204);
    expect((await linksOf(user.id)).map((l) => l.account_id)).to.deep.equal([sub]);
  });

  it('when a new person has an unverified provider e-mail, then the account is created unverified even with is_verified_by_default', async () => {
    const email = uniqueEmail('oauth-unverified');
    const flow = await throughProvider('idp-link', account(email, false));
    const res = await app().get(flow.callback).set('cookie', flow.csrf);
    expect(res.status).to.equal(204);
    const user = await deps.fuAuth.deps.store().getByEmail(email);
    expect(user?.isVerified).to.equal(false);
  });

  it('when a legacy-only user signs in with a verified e-mail and associate_by_email, then it is the same account and the legacy password still works', async () => {
    const legacy = await createLegacyUser(deps.sequelize);
    const flow = await throughProvider('idp-link', account(legacy.email));
    const res = await app().get(flow.callback).set('cookie', flow.csrf);
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    const user = await deps.fuAuth.deps.store().getByEmail(legacy.email);
    expect(user?.legacyUserId).to.equal(legacy.id);
    expect(await linksOf(user!.id)).to.have.length(1);
    const password = await app()
      .post('/auth/login')
      .send({ email: legacy.email, password: legacy.password });
    expect(password.status, JSON.stringify(password.body)).to.equal(200);
    expect(password.body.user?.id ?? password.body.id).to.equal(legacy.id);
  });

  it('when the linked user is inactive, then 400 LOGIN_BAD_CREDENTIALS', async () => {
    const email = uniqueEmail('oauth-inactive');
    const sub = account(email);
    const first = await throughProvider('idp', sub);
    expect((await app().get(first.callback).set('cookie', first.csrf)).status).to.equal(200);
    const user = (await deps.fuAuth.deps.store().getByEmail(email))!;
    await deps.fuAuth.deps.store().update(user, { isActive: false });
    const again = await throughProvider('idp', sub);
    const res = await app().get(again.callback).set('cookie', again.csrf);
    expect([res.status, res.body]).to.deep.equal([400, { detail: 'LOGIN_BAD_CREDENTIALS' }]);
  });

  it('when the provider gives no e-mail, then 400 OAUTH_NOT_AVAILABLE_EMAIL and nobody is created', async () => {
    const flow = await throughProvider('idp', account(undefined));
    const res = await app().get(flow.callback).set('cookie', flow.csrf);
    expect([res.status, res.body]).to.deep.equal([400, { detail: 'OAUTH_NOT_AVAILABLE_EMAIL' }]);
  });

  it('when the state is tampered with, expired, or the CSRF cookie is missing or another, then 400 with upstream codes and no login', async () => {
    const flow = await throughProvider('idp', account(uniqueEmail('oauth-state')));
    const withState = (state: string) => flow.callback.replace(/state=[^&]+/, `state=${state}`);
    const secret = new TextEncoder().encode(deps.config.oauth.stateSecret);
    const csrftoken = flow.csrf.split('=')[1]!;
    const expired = await new SignJWT({ csrftoken, aud: 'fastapi-users:oauth-state' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1)
      .sign(secret);
    const [header, payload] = flow.state.split('.');
    const cases: [string, string | undefined, string][] = [
      [withState(`${header}.${payload}.AAAA`), flow.csrf, 'ACCESS_TOKEN_DECODE_ERROR'],
      [withState('not-a-jwt'), flow.csrf, 'ACCESS_TOKEN_DECODE_ERROR'],
      [withState(expired), flow.csrf, 'ACCESS_TOKEN_ALREADY_EXPIRED'],
      [flow.callback, undefined, 'OAUTH_INVALID_STATE'],
      [flow.callback, `${CSRF}=${'x'.repeat(43)}`, 'OAUTH_INVALID_STATE'],
    ];
    for (const [path, cookie, code] of cases) {
      const res = await app()
        .get(path)
        .set(cookie ? { cookie } : {});
      expect([res.status, res.body], code).to.deep.equal([400, { detail: code }]);
    }
    // The code was never spent on a forged state: the real flow still completes.
    const ok = await app().get(flow.callback).set('cookie', flow.csrf);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
  });

  it('when the provider sends an error or no code, then 400 with its error or "Bad Request"', async () => {
    const denied = await app().get('/fu_auth/idp/callback?error=access_denied&state=x');
    expect([denied.status, denied.body]).to.deep.equal([400, { detail: 'access_denied' }]);
    const bare = await app().get('/fu_auth/idp/callback');
    expect([bare.status, bare.body]).to.deep.equal([400, { detail: 'Bad Request' }]);
  });

  it('when the app serves its OpenAPI document, then the OAuth routes are in it; another method is 405 with Allow', async () => {
    const doc = await app().get('/fu_auth/openapi.json');
    expect(doc.body.paths['/fu_auth/idp/authorize'].get.operationId).to.equal(
      'oauth_idp_jwt_authorize_fu_auth_idp_authorize_get',
    );
    expect(doc.body.paths['/fu_auth/associate/idp-link/callback'].get.operationId).to.equal(
      'oauth_associate_idp_link_callback_fu_auth_associate_idp_link_callback_get',
    );
    const post = await app().post('/fu_auth/idp/authorize');
    expect([post.status, post.body, post.headers.allow]).to.deep.equal([
      405,
      { detail: 'Method Not Allowed' },
      'GET',
    ]);
  });

  it('when the provider cannot be reached, then a 400 naming it in the fastapi-users format, never a 5xx', async () => {
    const res = await app().get('/fu_auth/down/authorize');
    expect([res.status, res.body]).to.deep.equal([400, { detail: 'OAUTH_PROVIDER_UNAVAILABLE' }]);
  });

  it('when a signed-in user associates a provider account, then it is linked to them; another user or nobody cannot finish it', async () => {
    const { user, email, password } = await createFuUser(deps);
    const token = await login(email, password);
    const unauthenticated = await app().get('/fu_auth/associate/idp/authorize');
    expect(unauthenticated.status).to.equal(401);

    const sub = account(uniqueEmail('oauth-other-address'));
    const flow = await throughProvider('idp', sub, { associate: bearer(token) });
    expect(decodeJwt(flow.state).sub).to.equal(user.id);

    const other = await createFuUser(deps);
    const wrongUser = await app()
      .get(flow.callback)
      .set({ ...bearer(await login(other.email, other.password)), cookie: flow.csrf });
    expect([wrongUser.status, wrongUser.body]).to.deep.equal([400, { detail: 'Bad Request' }]);

    const res = await app()
      .get(flow.callback)
      .set({ ...bearer(token), cookie: flow.csrf });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ id: user.id, email });
    expect((await linksOf(user.id)).map((l) => l.account_id)).to.deep.equal([sub]);
  });
  it('when a signed-in user associates a provider account linked to someone else, then 400 OAUTH_USER_ALREADY_EXISTS and the link stays', async () => {
    const email = uniqueEmail('oauth-owner');
    const sub = account(email);
    const first = await throughProvider('idp', sub);
    expect((await app().get(first.callback).set('cookie', first.csrf)).status).to.equal(200);
    const owner = (await deps.fuAuth.deps.store().getByEmail(email))!;

    const intruder = await createFuUser(deps);
    const token = await login(intruder.email, intruder.password);
    const flow = await throughProvider('idp', sub, { associate: bearer(token) });
    const res = await app()
      .get(flow.callback)
      .set({ ...bearer(token), cookie: flow.csrf });
    expect([res.status, res.body]).to.deep.equal([400, { detail: 'OAUTH_USER_ALREADY_EXISTS' }]);
    expect((await linksOf(owner.id)).map((l) => l.account_id)).to.deep.equal([sub]);
    expect(await linksOf(intruder.user.id)).to.deep.equal([]);
  });

  it('when someone created an account from an unverified provider e-mail, then the mailbox owner signing in with it verified is refused, not linked into that account', async () => {
    const email = uniqueEmail('oauth-prehijack');
    const squatter = account(email, false);
    const first = await throughProvider('idp-link', squatter);
    expect((await app().get(first.callback).set('cookie', first.csrf)).status).to.equal(204);
    const held = await deps.fuAuth.deps.store().getByEmail(email);

    const owner = await throughProvider('idp-link', account(email));
    const res = await app().get(owner.callback).set('cookie', owner.csrf);
    expect([res.status, res.body]).to.deep.equal([400, { detail: 'OAUTH_USER_ALREADY_EXISTS' }]);
    expect((await linksOf(held!.id)).map((l) => l.account_id)).to.deep.equal([squatter]);
  });
});
