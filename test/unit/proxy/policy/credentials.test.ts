import { expect } from 'chai';
import { fieldFromBody } from '../../../../proxy/policy/body-field.js';
import { sessionEngine } from '../../../../proxy/policy/credentials.js';

describe('session engine markers (no database lookup)', () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ['a URL-encoded express-session id', { cookie: 'a=1; crm.sid=s%3Aabc.sig; b=2' }, 'legacy'],
    ['a raw express-session id', { cookie: 'crm.sid=s:abc.sig' }, 'legacy'],
    ['a facade session', { cookie: 'crm.sid=fu.abcdef' }, 'new'],
    ['a bearer token', { authorization: 'Bearer eyJhbGciOi' }, 'new'],
    ['the fastapiusersauth cookie', { cookie: 'fastapiusersauth=eyJ' }, 'new'],
    [
      'a legacy crm.sid next to a bearer token (crm.sid wins)',
      { cookie: 'crm.sid=s%3Aa.b', authorization: 'Bearer x' },
      'legacy',
    ],
    ['an unknown crm.sid value', { cookie: 'crm.sid=garbage' }, undefined],
    ['a cookie whose name only ends in crm.sid', { cookie: 'xcrm.sid=fu.abc' }, undefined],
    ['Basic auth', { authorization: 'Basic dXNlcjpwdw==' }, undefined],
    ['nothing', {}, undefined],
  ];
  for (const [when, headers, engine] of cases) {
    it(`when the request carries ${when}, then the engine is ${engine ?? 'unknown'}`, () => {
      expect(sessionEngine(headers)).to.equal(engine);
    });
  }
});

describe('e-mail from a small body', () => {
  const json = 'application/json; charset=utf-8';
  const form = 'application/x-www-form-urlencoded';
  const cases: [
    string,
    string,
    string | undefined,
    'email' | 'username' | 'token',
    string | undefined,
  ][] = [
    ['JSON with email', '{"email":"Ann@x.test","password":"p"}', json, 'email', 'Ann@x.test'],
    ['a form with email', 'email=ann%40x.test&password=p', form, 'email', 'ann@x.test'],
    [
      'the OAuth2 form with username',
      'username=ann%40x.test&password=p',
      form,
      'username',
      'ann@x.test',
    ],
    ['malformed JSON', '{"email":', json, 'email', undefined],
    ['a JSON array', '["ann@x.test"]', json, 'email', undefined],
    ['a non-string email', '{"email":42}', json, 'email', undefined],
    ['an empty email', '{"email":""}', json, 'email', undefined],
    ['an unknown content type', 'email=ann@x.test', 'text/plain', 'email', undefined],
    [
      'a reset body, read for its token',
      '{"token":"a.b.c","password":"p"}',
      json,
      'token',
      'a.b.c',
    ],
    ['a verify body without a token', '{"email":"ann@x.test"}', json, 'token', undefined],
  ];
  for (const [when, body, type, field, email] of cases) {
    it(`when the body is ${when}, then the ${field} is ${email ?? 'unknown'}`, () => {
      expect(fieldFromBody(Buffer.from(body), type, field)).to.equal(email);
    });
  }
});
