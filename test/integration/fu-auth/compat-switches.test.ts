/**
 * The contract's deliberate deviations from fastapi-users are each switchable back to upstream's
 * behaviour (docs/design/contracts/fu_auth.md, top): these tests pin both settings of every switch.
 */
import { expect } from 'chai';
import request from 'supertest';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { bearer, createFuUser, jwtLogin } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

const login = (app: Parameters<typeof request>[0], username: string, password: string) =>
  request(app).post('/fu_auth/jwt/login').type('form').send({ username, password });

describe('/fu_auth compatibility switches', () => {
  describe('with the defaults', () => {
    const t = useTestApp();

    it('when the stored hash has an unknown format, then login answers 400 LOGIN_BAD_CREDENTIALS', async () => {
      const u = await createLegacyUser(t.deps.sequelize, { hash: 'unknown' });
      const res = await login(t.app, u.email, u.password);
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
    });

    it('when a PATCH body carries explicit nulls, then they count as not provided (200, unchanged)', async () => {
      const u = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, u.email, u.password);
      const res = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ email: null, is_active: null, password: null });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ email: u.email, is_active: true });
    });

    it('when a password is short or contains the e-mail, then registration is refused with the reason', async () => {
      const email = uniqueEmail('policy');
      const res = await request(t.app)
        .post('/fu_auth/register')
        .send({ email, password: `x${email}` });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' },
      });
    });
  });

  describe('switched back to upstream behaviour', () => {
    const t = useTestApp({
      env: {
        FU_UNKNOWN_HASH: 'error',
        FU_PATCH_NULL_FIELDS: 'reject',
        PASSWORD_MIN_LENGTH: '0',
        PASSWORD_FORBID_EMAIL: 'false',
      },
    });

    it('when FU_UNKNOWN_HASH=error and the stored hash has an unknown format, then login is a 500, as upstream', async () => {
      const u = await createLegacyUser(t.deps.sequelize, { hash: 'unknown' });
      const res = await login(t.app, u.email, u.password);
      expect(res.status).to.equal(500);
      expect(JSON.stringify(res.body)).not.to.contain('UnknownHash');
    });

    it('when FU_UNKNOWN_HASH=error, then a NULL legacy hash and the legacy facade still answer bad credentials', async () => {
      const invited = await createLegacyUser(t.deps.sequelize, { hash: 'none' });
      expect((await login(t.app, invited.email, 'anything')).status).to.equal(400);
      const junk = await createLegacyUser(t.deps.sequelize, { hash: 'unknown' });
      const facade = await request(t.app)
        .post('/fu_auth/legacy/login')
        .send({ email: junk.email, password: junk.password });
      expect(facade.status).to.equal(401);
      expect(facade.body).to.deep.equal({ error: 'invalid_credentials' });
    });

    it('when FU_PATCH_NULL_FIELDS=reject and a PATCH body carries nulls, then 422 names each field', async () => {
      const u = await createFuUser(t.deps, { superuser: true });
      const token = await jwtLogin(t.app, u.email, u.password);
      const me = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ email: null, password: null });
      expect(me.status).to.equal(422);
      expect(me.body.detail.map((d: { loc: string[] }) => d.loc)).to.deep.equal([
        ['body', 'email'],
      ]);
      const other = await createFuUser(t.deps);
      const byId = await request(t.app)
        .patch(`/fu_auth/users/${other.user.id}`)
        .set(bearer(token))
        .send({ is_active: null, is_verified: null });
      expect(byId.status).to.equal(422);
      expect(
        byId.body.detail.map((d: { loc: string[]; type: string }) => [d.loc[1], d.type]),
      ).to.deep.equal([
        ['is_active', 'bool_type'],
        ['is_verified', 'bool_type'],
      ]);
      expect((await t.deps.fuAuth.deps.store().getById(other.user.id))?.isActive).to.equal(true);
    });

    it('when the password policy is off, then any password registers, even an empty one (upstream default)', async () => {
      const res = await request(t.app)
        .post('/fu_auth/register')
        .send({ email: uniqueEmail('open'), password: '' });
      expect(res.status).to.equal(201);
    });
  });
});
