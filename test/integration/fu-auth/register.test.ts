import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { createFuUser, jwtLogin } from '../../helpers/fu-auth.js';
import { buildTestDeps, useTestApp } from '../../helpers/test-deps.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('/fu_auth POST /register (contract row R1)', () => {
  const t = useTestApp();

  const register = (body: unknown) =>
    request(t.app)
      .post('/fu_auth/register')
      .send(body as object);

  it('when the body is valid, then 201 with UserRead in upstream key order and a server uuid4', async () => {
    const email = uniqueEmail('reg');
    const res = await register({ email, password: 'long-enough-1' });
    expect(res.status).to.equal(201);
    expect(res.headers['content-type']).to.equal('application/json');
    expect(Object.keys(res.body)).to.deep.equal([
      'id',
      'email',
      'is_active',
      'is_superuser',
      'is_verified',
    ]);
    expect(res.body).to.include({
      email,
      is_active: true,
      is_superuser: false,
      is_verified: false,
    });
    expect(res.body.id).to.match(UUID);
    expect(res.text).to.not.match(/password/);
    await jwtLogin(t.app, email, 'long-enough-1');
  });

  it('when the body sets flags and an id, then they are ignored (safe create), null flags too', async () => {
    const id = '5016eede-6493-48fb-b82b-f31a6ca7dd55';
    const res = await register({
      id,
      email: uniqueEmail(),
      password: 'long-enough-1',
      is_active: false,
      is_superuser: true,
      is_verified: null,
      extra: 'ignored',
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ is_active: true, is_superuser: false, is_verified: false });
    expect(res.body.id).to.not.equal(id);
  });

  it('when the e-mail has an upper-case domain, spaces or a display name, then it is normalised (local part kept)', async () => {
    const local = `King.Arthur.${Date.now()}`;
    const cases: [string, string][] = [
      [`${local}a@CAMELOT.bt`, `${local}a@camelot.bt`],
      [`  ${local}b@camelot.bt  `, `${local}b@camelot.bt`],
      [`Bob Smith <${local}c@Example.COM>`, `${local}c@example.com`],
      [`${local}d@BÜCHER.de`, `${local}d@bücher.de`],
    ];
    for (const [sent, stored] of cases) {
      const res = await register({ email: sent, password: 'long-enough-1' });
      expect(res.status, sent).to.equal(201);
      expect(res.body.email).to.equal(stored);
    }
  });

  it('when the e-mail exists with another case, then 400 REGISTER_USER_ALREADY_EXISTS', async () => {
    const { email } = await createFuUser(t.deps);
    const res = await register({ email: email.toUpperCase(), password: 'long-enough-1' });
    expect(res.status).to.equal(400);
    expect(res.text).to.equal('{"detail":"REGISTER_USER_ALREADY_EXISTS"}');
  });

  it('when a legacy-only account holds the e-mail (any case), then 400 REGISTER_USER_ALREADY_EXISTS', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const res = await register({ email: legacy.email.toUpperCase(), password: 'long-enough-1' });
    expect(res.body).to.deep.equal({ detail: 'REGISTER_USER_ALREADY_EXISTS' });
  });

  it('when the password is too short, then 400 {code: REGISTER_INVALID_PASSWORD, reason}', async () => {
    const res = await register({ email: uniqueEmail(), password: 'short' });
    expect(res.status).to.equal(400);
    expect(res.text).to.equal(
      '{"detail":{"code":"REGISTER_INVALID_PASSWORD","reason":"Password should be at least 8 characters"}}',
    );
  });

  it('when the password contains the e-mail, then 400 with reason "Password should not contain e-mail"', async () => {
    const email = uniqueEmail();
    const res = await register({ email, password: `x${email}x` });
    expect(res.body).to.deep.equal({
      detail: { code: 'REGISTER_INVALID_PASSWORD', reason: 'Password should not contain e-mail' },
    });
  });

  it('when the e-mail exists and the password is invalid too, then the password error wins (validated first)', async () => {
    const { email } = await createFuUser(t.deps);
    const res = await register({ email, password: 'short' });
    expect(res.body.detail.code).to.equal('REGISTER_INVALID_PASSWORD');
  });

  it('when the password policy is configured, then its length is used in the reason', async () => {
    const lax = buildTestDeps({
      env: { PASSWORD_MIN_LENGTH: '3', PASSWORD_FORBID_EMAIL: 'false' },
    });
    try {
      const email = uniqueEmail();
      const ok = await request(createApp(lax))
        .post('/fu_auth/register')
        .send({ email, password: `${email}` });
      expect(ok.status).to.equal(201);
      const bad = await request(createApp(lax))
        .post('/fu_auth/register')
        .send({ email: uniqueEmail(), password: 'ab' });
      expect(bad.body.detail.reason).to.equal('Password should be at least 3 characters');
    } finally {
      await lax.close();
    }
  });

  const invalid: [string, () => request.Test, unknown[][]][] = [
    ['a field is missing', () => register({ email: uniqueEmail() }), [['body', 'password']]],
    [
      'the e-mail has no @',
      () => register({ email: 'nope', password: 'long-enough-1' }),
      [['body', 'email']],
    ],
    [
      'the e-mail is a special-use domain',
      () => register({ email: 'a@example.test', password: 'long-enough-1' }),
      [['body', 'email']],
    ],
    [
      'the password is not a string',
      () => register({ email: uniqueEmail(), password: 12345678 }),
      [['body', 'password']],
    ],
    ['the body is a JSON array', () => register([1]), [['body']]],
    [
      'the body is sent as text/plain',
      () => request(t.app).post('/fu_auth/register').type('text').send('{"email":"a@b.co"}'),
      [['body']],
    ],
    ['there is no body', () => request(t.app).post('/fu_auth/register'), [['body']]],
    [
      'the JSON is malformed',
      () =>
        request(t.app).post('/fu_auth/register').set('content-type', 'application/json').send('{'),
      [['body']],
    ],
  ];
  for (const [when, send, locs] of invalid) {
    it(`when ${when}, then 422 with detail locations ${JSON.stringify(locs)}`, async () => {
      const res = await send();
      expect(res.status).to.equal(422);
      expect(res.headers['content-type']).to.equal('application/json');
      expect(res.body.detail.map((i: { loc: unknown[] }) => i.loc)).to.deep.equal(locs);
      for (const issue of res.body.detail) expect(issue).to.include.keys('type', 'loc', 'msg');
    });
  }

  it("when the e-mail is invalid, then the issue carries email-validator's reason", async () => {
    const res = await register({ email: 'a@localhost', password: 'long-enough-1' });
    expect(res.body.detail[0]).to.deep.include({
      type: 'value_error',
      msg: 'value is not a valid email address: The part after the @-sign is not valid. It should have a period.',
    });
  });

  it('when the body is a 5000-deep JSON array, then 422 json_invalid, refused before parsing (was a 500)', async () => {
    const res = await request(t.app)
      .post('/fu_auth/register')
      .set('content-type', 'application/json')
      .send(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(res.status).to.equal(422);
    expect(res.headers['content-type']).to.equal('application/json');
    expect(res.body.detail).to.deep.equal([
      {
        type: 'json_invalid',
        loc: ['body'],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: 'nested deeper than 32 levels' },
      },
    ]);
  });

  it('when the body is gzip-compressed or over 16 KiB, then 415 or 413 in the fastapi-users format', async () => {
    const gz = await request(t.app)
      .post('/fu_auth/register')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .send(gzipSync(JSON.stringify({ email: uniqueEmail(), password: 'long-enough-1' })));
    expect([gz.status, gz.text]).to.deep.equal([415, '{"detail":"Unsupported Media Type"}']);
    const big = await register({ email: uniqueEmail(), password: 'x'.repeat(17_000) });
    expect([big.status, big.text]).to.deep.equal([413, '{"detail":"Payload Too Large"}']);
  });

  it('when the body is a JSON array, then the issue is model_attributes_type', async () => {
    const res = await register([1]);
    expect(res.body.detail[0].type).to.equal('model_attributes_type');
  });

  it('when the body is sent as application/vnd.api+json, then it is parsed as JSON', async () => {
    const res = await request(t.app)
      .post('/fu_auth/register')
      .set('content-type', 'application/vnd.api+json')
      .send(JSON.stringify({ email: uniqueEmail(), password: 'long-enough-1' }));
    expect(res.status).to.equal(201);
  });

  it('when two registrations differing only by case race, then exactly one succeeds', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([
      register({ email, password: 'long-enough-1' }),
      register({ email: email.toUpperCase(), password: 'long-enough-1' }),
    ]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([201, 400]);
  });
});
