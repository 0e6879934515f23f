import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { canonicalEmail } from '../../../src/lib/identity/canonical-email.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { jwtPayload, outboxFor, tokenIn } from '../../helpers/fu-auth.js';
import { useTestApp } from '../../helpers/test-deps.js';

/**
 * Case-variant account takeover: an address that differs from another only by case (or by a look-alike
 * spelling) was a second account, and the new engine handed the first one's identity to it.
 * @see docs/engines.md ("One e-mail address, one account")
 */
describe('one identity per canonical e-mail address (case-variant takeover)', () => {
  const t = useTestApp();
  const tag = () => randomBytes(5).toString('hex');

  const register = (path: string, email: string, password = 'victim-pass-1') =>
    request(t.app).post(path).send({ email, password });
  const jwtLogin = (username: string, password: string) =>
    request(t.app).post('/fu_auth/jwt/login').type('form').send({ username, password });
  const fuIdOf = async (legacyId: number) => {
    const [row] = await t.deps.sequelize.query<{ id: string }>(
      'SELECT id FROM fu_users WHERE legacy_user_id = :legacyId',
      { type: QueryTypes.SELECT, replacements: { legacyId } },
    );
    return row?.id ?? null;
  };
  /** Every message sent to any spelling of the address (mail servers fold case themselves). */
  const mailsTo = async (address: string) => {
    const all = await outboxFor(t.deps, address);
    const upper = await outboxFor(t.deps, address.toUpperCase());
    return [...all, ...upper].filter((m) => canonicalEmail(m.to) === canonicalEmail(address));
  };

  it('when victor@x.com registered on legacy, then VICTOR@x.com is refused on legacy with 409 email_taken', async () => {
    const victim = `victor-${tag()}@x.com`;
    await register('/auth/register', victim).expect(201);
    const res = await register('/auth/register', victim.toUpperCase(), 'attacker-pass-1');
    expect(res.status).to.equal(409);
    expect(res.body).to.deep.equal({ error: 'email_taken' });
  });

  describe('when look-alike spellings of a registered address try to register', () => {
    const surfaces: [string, string, number, unknown][] = [
      ['/auth/register', 'legacy', 409, { error: 'email_taken' }],
      ['/fu_auth/legacy/register', 'facade', 409, { error: 'email_taken' }],
      ['/fu_auth/register', 'fastapi-users', 400, { detail: 'REGISTER_USER_ALREADY_EXISTS' }],
    ];
    const pairs: [string, (t: string) => [string, string]][] = [
      ['a case variant', (t) => [`victor-${t}@x.com`, `Victor-${t}@X.com`]],
      [
        'the Punycode spelling of an IDN domain',
        (t) => [`u-${t}@bücher.de`, `u-${t}@xn--bcher-kva.de`],
      ],
      [
        'the IDN spelling of a Punycode domain',
        (t) => [`u-${t}@xn--bcher-kva.de`, `u-${t}@bücher.de`],
      ],
    ];
    for (const [path, surface, status, body] of surfaces)
      for (const [what, spellings] of pairs)
        it(`then ${what} is refused on ${surface} (${status})`, async () => {
          const [victim, attacker] = spellings(tag());
          await register('/auth/register', victim).expect(201);
          const res = await register(path, attacker, 'attacker-pass-1');
          expect(res.status, JSON.stringify(res.body)).to.equal(status);
          expect(res.body).to.deep.equal(body);
        });

    // fastapi-users' e-mail normalisation puts the local part in NFC (the Kelvin sign becomes K,
    // so that one is a plain duplicate there); İ has no NFC form to fold to, so it is refused.
    const lookAlikes: [string, (t: string) => [string, string], number][] = [
      ['the Kelvin sign U+212A for K', (t) => [`kate-${t}@x.com`, `\u212Aate-${t}@x.com`], 400],
      ['İ U+0130 for i', (t) => [`ivan-${t}@x.com`, `\u0130van-${t}@x.com`], 422],
    ];
    for (const [what, spellings, fuStatus] of lookAlikes) {
      it(`then ${what} is refused on legacy and the facade with 422 invalid_email`, async () => {
        const [victim, attacker] = spellings(tag());
        await register('/auth/register', victim).expect(201);
        for (const path of ['/auth/register', '/fu_auth/legacy/register']) {
          const res = await register(path, attacker, 'attacker-pass-1');
          expect(res.status, path).to.equal(422);
          expect(res.body).to.deep.equal({
            error: 'validation_failed',
            fields: { email: 'invalid_email' },
          });
        }
      });
      it(`then ${what} is refused on /fu_auth/register (${fuStatus})`, async () => {
        const [victim, attacker] = spellings(tag());
        await register('/auth/register', victim).expect(201);
        const res = await register('/fu_auth/register', attacker, 'attacker-pass-1');
        expect(res.status, JSON.stringify(res.body)).to.equal(fuStatus);
        if (fuStatus === 400)
          expect(res.body).to.deep.equal({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
        else
          expect(res.body.detail[0]).to.include({
            type: 'value_error',
            msg: 'value is not a valid email address: The email address contains characters before the @-sign whose case is ambiguous: "İ". Type them in lower case or use ASCII.',
          });
      });
    }
  });

  describe('when case-variant twins already exist in legacy data (victim older, attacker newer)', () => {
    async function twins() {
      const victim = `victor-${tag()}@x.com`;
      const attacker = victim.toUpperCase();
      const [v, a] = [
        await createLegacyUser(t.deps.sequelize, { email: victim, password: 'victim-pass-1' }),
        await createLegacyUser(t.deps.sequelize, { email: attacker, password: 'attacker-pass-1' }),
      ];
      await t.deps.sequelize.query(
        `UPDATE users SET created_at = CASE id WHEN :v THEN now() - interval '2 years' ELSE now() END
          WHERE id IN (:v, :a)`,
        { replacements: { v: v.id, a: a.id } },
      );
      return { victim: v, attacker: a };
    }

    it("then the attacker's spelling logging in once does not hand victor@x.com to the attacker", async () => {
      const { victim, attacker } = await twins();
      await jwtLogin(attacker.email, attacker.password);

      const asAttacker = await jwtLogin(victim.email, attacker.password);
      expect(asAttacker.status).to.equal(400);
      expect(asAttacker.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });

      const asVictim = await jwtLogin(victim.email, victim.password);
      expect(asVictim.status, JSON.stringify(asVictim.body)).to.equal(200);
      expect(jwtPayload(asVictim.body.access_token).sub).to.equal(await fuIdOf(victim.id));
      expect(await fuIdOf(attacker.id)).to.equal(null);
    });

    it("then forgot-password for victor@x.com never mails a token for the attacker's account", async () => {
      const { victim, attacker } = await twins();
      await jwtLogin(attacker.email, attacker.password);
      for (const email of [victim.email, attacker.email])
        await request(t.app).post('/fu_auth/forgot-password').send({ email }).expect(202);

      const mails = await mailsTo(victim.email);
      expect(mails.map((m) => m.to)).to.deep.equal([victim.email]);
      const token = jwtPayload(tokenIn(mails[0]));
      expect(token.sub).to.equal(await fuIdOf(victim.id));
      expect(await fuIdOf(attacker.id)).to.equal(null);
    });

    it("then, when the attacker's twin was bound before this fix, victor@x.com binds nobody (both passwords refused, no mail)", async () => {
      const { victim, attacker } = await twins();
      await t.deps.sequelize.query(
        `INSERT INTO fu_users (id, email, hashed_password, is_active, is_superuser, is_verified, legacy_user_id)
         SELECT gen_random_uuid(), email, hashed_password, true, false, false, id FROM users WHERE id = :id`,
        { replacements: { id: attacker.id } },
      );
      for (const password of [victim.password, attacker.password]) {
        const res = await jwtLogin(victim.email, password);
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal({ detail: 'LOGIN_BAD_CREDENTIALS' });
      }
      await request(t.app)
        .post('/fu_auth/forgot-password')
        .send({ email: victim.email })
        .expect(202);
      expect(await mailsTo(victim.email)).to.deep.equal([]);
      expect(await fuIdOf(victim.id)).to.equal(null);
    });

    it('then both twins keep logging in on the legacy engine with their exact spelling', async () => {
      const { victim, attacker } = await twins();
      for (const u of [victim, attacker]) {
        const res = await request(t.app)
          .post('/auth/login')
          .send({ email: u.email, password: u.password });
        expect(res.status).to.equal(200);
        expect(res.body.user.id).to.equal(u.id);
      }
    });
  });
});
