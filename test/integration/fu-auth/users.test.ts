import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { uniqueEmail } from '../../helpers/factories.js';
import { bearer, createFuUser, jwtLogin, type FuFixture } from '../../helpers/fu-auth.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

const MISSING = '5016eede-6493-48fb-b82b-f31a6ca7dd55';

describe('/fu_auth users routes (contract rows U1-U5; §5.5, §5.6)', () => {
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  let admin: { token: string } & FuFixture;
  before(async () => {
    deps = buildTestDeps();
    app = createApp(deps);
    const fixture = await createFuUser(deps, { superuser: true });
    admin = { ...fixture, token: await jwtLogin(app, fixture.email, fixture.password) };
  });
  after(() => deps.close());

  const login = async (options: Parameters<typeof createFuUser>[1] = {}) => {
    const fixture = await createFuUser(deps, options);
    return { ...fixture, token: await jwtLogin(app, fixture.email, fixture.password) };
  };

  describe('GET /users/me', () => {
    it('when authenticated, then 200 with UserRead', async () => {
      const { user, token } = await login();
      const res = await request(app).get('/fu_auth/users/me').set(bearer(token));
      expect(res.status).to.equal(200);
      expect(res.text).to.equal(
        `{"id":"${user.id}","email":"${user.email}","is_active":true,"is_superuser":false,"is_verified":false}`,
      );
    });

    it('when the Bearer scheme is lower-case, then it still authenticates', async () => {
      const { token } = await login();
      await request(app)
        .get('/fu_auth/users/me')
        .set('authorization', `bearer ${token}`)
        .expect(200);
    });

    for (const [when, headers] of [
      ['there is no credential', {}],
      ['the token is garbage', { authorization: 'Bearer garbage' }],
      ['the scheme is Basic', { authorization: 'Basic dXNlcjpwYXNz' }],
    ] as const) {
      it(`when ${when}, then 401 {"detail":"Unauthorized"}`, async () => {
        const res = await request(app).get('/fu_auth/users/me').set(headers);
        expect(res.status).to.equal(401);
        expect(res.text).to.equal('{"detail":"Unauthorized"}');
      });
    }

    it('when the user was deactivated, then 401', async () => {
      const { user, token } = await login();
      await deps.fuAuth.deps.store().update(user, { isActive: false });
      expect((await request(app).get('/fu_auth/users/me').set(bearer(token))).status).to.equal(401);
    });

    it('when a superuser asks, then /users/me is their own profile', async () => {
      const res = await request(app).get('/fu_auth/users/me').set(bearer(admin.token));
      expect(res.body.id).to.equal(admin.user.id);
    });
  });

  describe('PATCH /users/me (safe update)', () => {
    const patchMe = (token: string, body: unknown) =>
      request(app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send(body as object);

    it('when flags are sent, then they are dropped silently (still type-checked)', async () => {
      const { token } = await login();
      const res = await patchMe(token, { is_superuser: true, is_active: 'no', is_verified: true });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ is_superuser: false, is_active: true, is_verified: false });
      const bad = await patchMe(token, { is_active: 'maybe' });
      expect(bad.status).to.equal(422);
      expect(bad.body.detail[0]).to.include({ type: 'bool_parsing' });
    });

    it('when the password changes, then only the new one logs in', async () => {
      const { email, password, token } = await login();
      await patchMe(token, { password: 'new-password-1' }).expect(200);
      await jwtLogin(app, email, 'new-password-1');
      const old = await request(app)
        .post('/fu_auth/jwt/login')
        .type('form')
        .send({ username: email, password });
      expect(old.status).to.equal(400);
    });

    it('when the password is null or the body is {}, then 200 and nothing changes', async () => {
      const { email, password, token } = await login();
      await patchMe(token, { password: null, email: null }).expect(200);
      await patchMe(token, {}).expect(200);
      await jwtLogin(app, email, password);
    });

    it('when the password breaks the policy, then 400 {code: UPDATE_USER_INVALID_PASSWORD, reason}', async () => {
      const { token, email } = await login();
      const res = await patchMe(token, { password: `pre${email}` });
      expect(res.body).to.deep.equal({
        detail: {
          code: 'UPDATE_USER_INVALID_PASSWORD',
          reason: 'Password should not contain e-mail',
        },
      });
    });

    it('when the e-mail changes, then it is stored normalised and the user becomes unverified', async () => {
      const { token } = await login({ verified: true });
      const local = uniqueEmail('moved').split('@')[0]!;
      const res = await patchMe(token, { email: `${local}@EXAMPLE.com` });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ email: `${local}@example.com`, is_verified: false });
    });

    it('when the identical e-mail is sent, then 200 and verification is kept', async () => {
      const { token, email } = await login({ verified: true });
      const res = await patchMe(token, { email });
      expect(res.body).to.include({ email, is_verified: true });
    });

    it("when only the case of one's own e-mail changes, then 400 UPDATE_USER_EMAIL_ALREADY_EXISTS (upstream quirk)", async () => {
      const { token, email } = await login();
      const res = await patchMe(token, { email: email.replace(/^./, (c) => c.toUpperCase()) });
      expect(res.status).to.equal(400);
      expect(res.text).to.equal('{"detail":"UPDATE_USER_EMAIL_ALREADY_EXISTS"}');
    });

    it('when another user holds the e-mail, then 400 UPDATE_USER_EMAIL_ALREADY_EXISTS and the password is not changed either', async () => {
      const { token, email, password } = await login();
      const other = await createFuUser(deps);
      const res = await patchMe(token, {
        password: 'would-be-new-1',
        email: other.email.toUpperCase(),
      });
      expect(res.body).to.deep.equal({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
      await jwtLogin(app, email, password);
    });

    it('when the password is invalid and the e-mail taken, then the password error wins (processed first)', async () => {
      const { token } = await login();
      const other = await createFuUser(deps);
      const res = await patchMe(token, { password: 'x', email: other.email });
      expect(res.body.detail.code).to.equal('UPDATE_USER_INVALID_PASSWORD');
    });

    it('when there is no body, then 422; when the body is [1] without a token, then 401 first', async () => {
      const { token } = await login();
      const none = await request(app).patch('/fu_auth/users/me').set(bearer(token));
      expect(none.status).to.equal(422);
      const anonymous = await request(app).patch('/fu_auth/users/me').send([1]);
      expect(anonymous.status).to.equal(401);
    });

    it('when the body is unreadable (malformed, gzip) and there is no token, then 401 first, as the contract says', async () => {
      for (const [type, encoding] of [
        ['application/json', undefined],
        ['application/json', 'gzip'],
      ] as const) {
        const req = request(app).patch('/fu_auth/users/me').set('content-type', type);
        const res = await (encoding ? req.set('content-encoding', encoding) : req).send(
          '{"email":',
        );
        expect(res.status, encoding ?? 'malformed').to.equal(401);
      }
      const { token } = await login();
      const malformed = await request(app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .set('content-type', 'application/json')
        .send('{"email":');
      expect(malformed.status).to.equal(422);
    });
  });

  describe('GET/PATCH/DELETE /users/{id} (superuser)', () => {
    const asAdmin = (method: 'get' | 'patch' | 'delete', id: string) =>
      request(app)[method](`/fu_auth/users/${id}`).set(bearer(admin.token));

    it('when a superuser reads a user, then 200 with UserRead', async () => {
      const { user } = await createFuUser(deps);
      const res = await asAdmin('get', user.id);
      expect(res.status).to.equal(200);
      expect(res.body.id).to.equal(user.id);
    });

    it('when the id is upper-case, dash-less, braced or a urn, then it is the same user', async () => {
      const { user } = await createFuUser(deps);
      for (const id of [
        user.id.toUpperCase(),
        user.id.replaceAll('-', ''),
        `{${user.id}}`,
        `urn:uuid:${user.id}`,
      ]) {
        const res = await asAdmin('get', encodeURIComponent(id));
        expect(res.status, id).to.equal(200);
        expect(res.body.id).to.equal(user.id);
      }
    });

    for (const id of [MISSING, 'not-a-uuid', '12345', '{}']) {
      it(`when the id is ${id}, then 404 {"detail":"Not Found"} (never 422)`, async () => {
        const res = await asAdmin('get', id);
        expect(res.status).to.equal(404);
        expect(res.text).to.equal('{"detail":"Not Found"}');
      });
    }

    it('when a non-superuser asks, then 403 {"detail":"Forbidden"}; without a token, 401', async () => {
      const { token } = await login();
      const { user } = await createFuUser(deps);
      for (const method of ['get', 'patch', 'delete'] as const) {
        const call = request(app)[method](`/fu_auth/users/${user.id}`);
        const res = await call.set(bearer(token)).send({});
        expect(res.status, method).to.equal(403);
        expect(res.text).to.equal('{"detail":"Forbidden"}');
        expect((await request(app)[method](`/fu_auth/users/${user.id}`)).status).to.equal(401);
      }
    });

    it('when a superuser patches, then every flag applies (unsafe update)', async () => {
      const { user } = await createFuUser(deps);
      const res = await asAdmin('patch', user.id).send({
        is_superuser: true,
        is_verified: 'yes',
        is_active: 0,
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ is_superuser: true, is_verified: true, is_active: false });
    });

    it('when the e-mail changes and is_verified:true comes with it, then the flag wins', async () => {
      const { user } = await createFuUser(deps);
      const res = await asAdmin('patch', user.id).send({
        email: uniqueEmail('n'),
        is_verified: true,
      });
      expect(res.body.is_verified).to.equal(true);
    });

    it('when a flag is null, then it is treated as not provided (upstream: 500)', async () => {
      const { user } = await createFuUser(deps, { verified: true });
      const res = await asAdmin('patch', user.id).send({
        is_active: null,
        is_verified: null,
        email: null,
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ is_active: true, is_verified: true, email: user.email });
    });

    it('when only the case of the e-mail changes, then UPDATE_USER_EMAIL_ALREADY_EXISTS here too', async () => {
      const { user } = await createFuUser(deps);
      const res = await asAdmin('patch', user.id).send({ email: user.email.toUpperCase() });
      expect(res.body).to.deep.equal({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
    });

    it('precedence: missing id with body [1] → 404; same without token → 401; existing id with [1] → 422', async () => {
      expect((await asAdmin('patch', MISSING).send([1])).status).to.equal(404);
      expect((await request(app).patch(`/fu_auth/users/${MISSING}`).send([1])).status).to.equal(
        401,
      );
      const { user } = await createFuUser(deps);
      expect((await asAdmin('patch', user.id).send([1])).status).to.equal(422);
      const { token } = await login();
      const forbidden = await request(app)
        .patch(`/fu_auth/users/${MISSING}`)
        .set(bearer(token))
        .send([1]);
      expect(forbidden.status).to.equal(403);
    });

    it('when a superuser deletes a user, then 204 empty, the user is gone and their tokens stop working', async () => {
      const { user, token } = await login();
      const res = await asAdmin('delete', user.id);
      expect(res.status).to.equal(204);
      expect(res.text).to.equal('');
      expect((await asAdmin('get', user.id)).status).to.equal(404);
      expect((await request(app).get('/fu_auth/users/me').set(bearer(token))).status).to.equal(401);
    });

    it('when DELETE /users/me is sent, then a superuser gets 404 and anyone else 403 (it hits /{id})', async () => {
      expect(
        (await request(app).delete('/fu_auth/users/me').set(bearer(admin.token))).status,
      ).to.equal(404);
      const { token } = await login();
      expect((await request(app).delete('/fu_auth/users/me').set(bearer(token))).status).to.equal(
        403,
      );
    });

    it('when GET /users or /users/ is asked, then 404 (no list route, upstream #338)', async () => {
      for (const path of ['/fu_auth/users', '/fu_auth/users/']) {
        const res = await request(app).get(path).set(bearer(admin.token));
        expect(res.status, path).to.equal(404);
        expect(res.body).to.deep.equal({ detail: 'Not Found' });
      }
    });

    it('when a superuser deactivates themself, then it is allowed and their token stops working', async () => {
      const self = await login({ superuser: true });
      const res = await request(app)
        .patch(`/fu_auth/users/${self.user.id}`)
        .set(bearer(self.token))
        .send({ is_active: false });
      expect(res.status).to.equal(200);
      expect((await request(app).get('/fu_auth/users/me').set(bearer(self.token))).status).to.equal(
        401,
      );
    });
  });
});
