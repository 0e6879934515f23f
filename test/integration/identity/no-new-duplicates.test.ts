import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { runUsersCommand } from '../../../src/cli/users-command.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { bearer, createFuUser, jwtLogin } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

/**
 * One identity: neither engine creates a new account (or moves an account to an address) whose
 * canonical form another account holds, however the requests interleave.
 */
describe('no new canonical duplicates', () => {
  const t = useTestApp();
  const tag = () => randomBytes(5).toString('hex');
  const ROUNDS = 8;

  /** How many accounts hold the address canonically, counted in both tables. */
  const holders = async (email: string) => {
    const [row] = await t.deps.sequelize.query<{ users: number; fu: number }>(
      `SELECT (SELECT count(*)::int FROM users
                WHERE authshift_canonical_email(email) = authshift_canonical_email(:email)) AS users,
              (SELECT count(*)::int FROM fu_users
                WHERE authshift_canonical_email(email) = authshift_canonical_email(:email)) AS fu`,
      { type: QueryTypes.SELECT, replacements: { email } },
    );
    return row!;
  };
  const registerOn = {
    legacy: (email: string) =>
      request(t.app).post('/auth/register').send({ email, password: 'race-pass-12' }),
    facade: (email: string) =>
      request(t.app).post('/fu_auth/legacy/register').send({ email, password: 'race-pass-12' }),
    fastapiUsers: (email: string) =>
      request(t.app).post('/fu_auth/register').send({ email, password: 'race-pass-12' }),
  };
  const LOSER = new Set([409, 400]);

  it(`when registrations of one address in different cases race on all three surfaces (${ROUNDS} rounds), then exactly one wins each round`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const email = `race-${tag()}@x.com`;
      const results = await Promise.all([
        registerOn.legacy(email),
        registerOn.facade(email.toUpperCase()),
        registerOn.fastapiUsers(`Race-${email.slice(5)}`),
        registerOn.legacy(`RACE-${email.slice(5)}`),
      ]);
      const statuses = results.map((r) => r.status);
      expect(
        statuses.filter((s) => s === 201),
        `round ${round}: ${statuses}`,
      ).to.have.length(1);
      expect(
        statuses.filter((s) => LOSER.has(s)),
        `round ${round}: ${statuses}`,
      ).to.have.length(3);
      expect((await holders(email)).users, `round ${round}`).to.equal(1);
    }
  });

  it(`when a legacy registration races an e-mail change to the same address (${ROUNDS} rounds), then exactly one gets it`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const fu = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, fu.email, fu.password);
      const email = `move-${tag()}@x.com`;
      const [patch, legacy] = await Promise.all([
        request(t.app).patch('/fu_auth/users/me').set(bearer(token)).send({ email }),
        registerOn.legacy(email.toUpperCase()),
      ]);
      const outcome = `${patch.status}/${legacy.status}`;
      expect(['200/409', '400/201'], `round ${round}`).to.include(outcome);
      expect((await holders(email)).users, `round ${round}`).to.equal(1);
    }
  });

  describe('when an address is changed to one whose canonical form another account holds', () => {
    it('then PATCH /users/me answers 400 UPDATE_USER_EMAIL_ALREADY_EXISTS (IDN vs Punycode)', async () => {
      const held = await createLegacyUser(t.deps.sequelize, {
        email: `u-${tag()}@xn--bcher-kva.de`,
      });
      const fu = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, fu.email, fu.password);
      const res = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ email: held.email.replace('xn--bcher-kva', 'bücher') });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
    });

    it('then PATCH /users/{id} by a superuser answers 400 UPDATE_USER_EMAIL_ALREADY_EXISTS', async () => {
      const held = await createLegacyUser(t.deps.sequelize, {
        email: `u-${tag()}@xn--bcher-kva.de`,
      });
      const admin = await createFuUser(t.deps, { superuser: true });
      const token = await jwtLogin(t.app, admin.email, admin.password);
      const target = await createFuUser(t.deps);
      const res = await request(t.app)
        .patch(`/fu_auth/users/${target.user.id}`)
        .set(bearer(token))
        .send({ email: held.email.replace('xn--bcher-kva', 'bücher') });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({ detail: 'UPDATE_USER_EMAIL_ALREADY_EXISTS' });
    });
  });

  describe('when an address has a folding problem', () => {
    const ODD = () => `\u0130van-${tag()}@x.com`;
    const REASON =
      'value is not a valid email address: The email address contains characters before the @-sign whose case is ambiguous: "İ". Type them in lower case or use ASCII.';

    it('then an e-mail change to it is refused with 422 value_error', async () => {
      const fu = await createFuUser(t.deps);
      const token = await jwtLogin(t.app, fu.email, fu.password);
      const res = await request(t.app)
        .patch('/fu_auth/users/me')
        .set(bearer(token))
        .send({ email: ODD() });
      expect(res.status).to.equal(422);
      expect(res.body.detail[0]).to.include({ type: 'value_error', msg: REASON });
      expect(res.body.detail[0].loc).to.deep.equal(['body', 'email']);
    });

    it('then the users CLI refuses to create it', async () => {
      let error: unknown;
      await runUsersCommand(
        t.deps,
        ['create', ODD(), '--password', 'cli-password-1'],
        () => {},
      ).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('whose case is ambiguous');
    });

    it('then it can still be looked up: forgot-password answers 202', async () => {
      await request(t.app).post('/fu_auth/forgot-password').send({ email: ODD() }).expect(202);
    });
  });

  it('when the users CLI creates an address held canonically by a legacy account, then it fails with REGISTER_USER_ALREADY_EXISTS', async () => {
    const held = await createLegacyUser(t.deps.sequelize, { email: `u-${tag()}@xn--bcher-kva.de` });
    let error: unknown;
    await runUsersCommand(
      t.deps,
      ['create', held.email.replace('xn--bcher-kva', 'bücher'), '--password', 'cli-password-1'],
      () => {},
    ).catch((e: unknown) => (error = e));
    expect(error).to.have.property('code', 'REGISTER_USER_ALREADY_EXISTS');
  });
  it('when an address is registered with a quoted local part naming the same mailbox as an existing account, then legacy and facade refuse it as an invalid e-mail', async () => {
    const local = `quoted-${tag()}`;
    expect((await registerOn.legacy(`${local}@x.com`)).status).to.equal(201);
    for (const [surface, register] of [
      ['legacy', registerOn.legacy],
      ['facade', registerOn.facade],
    ] as const) {
      const res = await register(`"${local}"@x.com`);
      expect(res.status, surface).to.equal(422);
    }
    expect((await holders(`${local}@x.com`)).users).to.equal(1);
  });
});
