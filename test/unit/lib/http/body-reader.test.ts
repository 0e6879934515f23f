import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import {
  FU_FORM_BODY,
  FU_JSON_BODY,
  LEGACY_LOGIN_BODY,
  type BodyAccepts,
} from '../../../../src/lib/contracts/body-profiles.js';
import { parseBody, type BodyReading } from '../../../../src/lib/http/body-reader.js';
import { jsonDeeperThan } from '../../../../src/lib/http/json-depth.js';

const BOM = '\ufeff';
const form = (fields: [string, string][], boundary = 'b0undary') => ({
  type: `multipart/form-data; boundary=${boundary}`,
  body:
    fields
      .map(
        ([n, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`,
});
const mp = form([
  ['username', 'ann@x.test'],
  ['password', 'pw'],
]);
const mpTwice = form([
  ['username', 'ann@x.test'],
  ['username', 'bob@x.test'],
]);
const mpFile =
  '--b\r\ncontent-disposition: form-data; name="username"; filename="u.txt"\r\n\r\nann@x.test\r\n--b--\r\n';
const mpBase64 =
  '--b\r\ncontent-disposition: form-data; name="username"\r\ncontent-transfer-encoding: base64\r\n\r\nYW5uQHgudGVzdA==\r\n--b--\r\n';

type Row = [string, BodyAccepts, Record<string, string>, Buffer | string, BodyReading];
const json = (value: unknown): BodyReading => ({ ok: true, body: { kind: 'json', value } });
const fields = (f: Record<string, string>): BodyReading => ({
  ok: true,
  body: { kind: 'form', fields: f },
});
const refused = (reason: string, extra: Record<string, string> = {}): BodyReading =>
  ({ ok: false, refusal: { reason, ...extra } }) as BodyReading;
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

const table: Row[] = [
  ['plain JSON', FU_JSON_BODY, JSON_TYPE, '{"email":"a@x.test"}', json({ email: 'a@x.test' })],
  ['JSON with one BOM', FU_JSON_BODY, JSON_TYPE, `${BOM}{"a":1}`, json({ a: 1 })],
  ['JSON with two BOMs', FU_JSON_BODY, JSON_TYPE, `${BOM}${BOM}{"a":1}`, refused('invalid_json')],
  ['a *+json type', FU_JSON_BODY, { 'content-type': 'application/vnd.api+json' }, '[1]', json([1])],
  [
    'charset=UTF-8 in any case',
    FU_JSON_BODY,
    { 'content-type': 'application/json; Charset="UTF-8"' },
    '1',
    json(1),
  ],
  [
    'charset=utf-16le',
    FU_JSON_BODY,
    { 'content-type': 'application/json; charset=utf-16le' },
    '{}',
    refused('unsupported_charset'),
  ],
  [
    'gzip',
    FU_JSON_BODY,
    { ...JSON_TYPE, 'content-encoding': 'gzip' },
    gzipSync('{}'),
    refused('unsupported_encoding'),
  ],
  [
    'Content-Encoding: identity',
    FU_JSON_BODY,
    { ...JSON_TYPE, 'content-encoding': 'Identity' },
    '{}',
    json({}),
  ],
  [
    'invalid UTF-8 in JSON',
    FU_JSON_BODY,
    JSON_TYPE,
    Buffer.from([0x22, 0xc3, 0x22]),
    refused('invalid_json'),
  ],
  ['malformed JSON', FU_JSON_BODY, JSON_TYPE, '{', refused('invalid_json')],
  [
    'JSON 33 levels deep',
    FU_JSON_BODY,
    JSON_TYPE,
    `${'['.repeat(33)}${']'.repeat(33)}`,
    refused('json_too_deep'),
  ],
  [
    'JSON 32 levels deep',
    FU_JSON_BODY,
    JSON_TYPE,
    `${'['.repeat(32)}${']'.repeat(32)}`,
    { ok: true, body: { kind: 'json', value: JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`) } },
  ],
  ['no body', FU_JSON_BODY, JSON_TYPE, '', { ok: true, body: { kind: 'none' } }],
  ['only a BOM', FU_JSON_BODY, JSON_TYPE, BOM, { ok: true, body: { kind: 'none' } }],
  [
    'text/plain on a JSON route',
    FU_JSON_BODY,
    { 'content-type': 'text/plain' },
    '{"a":1}',
    { ok: true, body: { kind: 'other', text: '{"a":1}' } },
  ],
  [
    'a form on a JSON route',
    FU_JSON_BODY,
    FORM_TYPE,
    'a=1',
    { ok: true, body: { kind: 'other', text: 'a=1' } },
  ],
  [
    'no content type',
    FU_JSON_BODY,
    {},
    '{"a":1}',
    { ok: true, body: { kind: 'other', text: '{"a":1}' } },
  ],
  [
    'a content type that is not a media type',
    FU_JSON_BODY,
    { 'content-type': 'application/json x' },
    '{}',
    { ok: true, body: { kind: 'other', text: '{}' } },
  ],
  [
    'a URL-encoded form',
    LEGACY_LOGIN_BODY,
    FORM_TYPE,
    'email=a%40x.test&password=p+w',
    fields({ email: 'a@x.test', password: 'p w' }),
  ],
  [
    'a URL-encoded form with a BOM',
    LEGACY_LOGIN_BODY,
    FORM_TYPE,
    `${BOM}email=a`,
    fields({ email: 'a' }),
  ],
  [
    'a repeated form field',
    LEGACY_LOGIN_BODY,
    FORM_TYPE,
    'email=a&email=b',
    refused('repeated_field', { field: 'email' }),
  ],
  [
    'a form field repeated empty',
    FU_FORM_BODY,
    FORM_TYPE,
    'username=&username=b',
    refused('repeated_field', { field: 'username' }),
  ],
  [
    'invalid UTF-8 in a form',
    FU_FORM_BODY,
    FORM_TYPE,
    Buffer.from([0x61, 0x3d, 0xff]),
    refused('invalid_form'),
  ],
  [
    'a form charset=latin1',
    FU_FORM_BODY,
    { 'content-type': `${FORM_TYPE}; charset=latin1` },
    'a=1',
    refused('unsupported_charset'),
  ],
  [
    'multipart',
    FU_FORM_BODY,
    { 'content-type': mp.type },
    mp.body,
    fields({ username: 'ann@x.test', password: 'pw' }),
  ],
  [
    'multipart on the legacy login',
    LEGACY_LOGIN_BODY,
    { 'content-type': mp.type },
    mp.body,
    { ok: true, body: { kind: 'other', text: mp.body } },
  ],
  [
    'a repeated multipart field',
    FU_FORM_BODY,
    { 'content-type': mpTwice.type },
    mpTwice.body,
    refused('repeated_field', { field: 'username' }),
  ],
  [
    'a multipart file part',
    FU_FORM_BODY,
    { 'content-type': 'multipart/form-data; boundary=b' },
    mpFile,
    refused('invalid_form'),
  ],
  [
    'a base64 multipart part',
    FU_FORM_BODY,
    { 'content-type': 'multipart/form-data; boundary=b' },
    mpBase64,
    refused('unsupported_encoding'),
  ],
  [
    'multipart without a boundary',
    FU_FORM_BODY,
    { 'content-type': 'multipart/form-data' },
    mp.body,
    refused('invalid_form'),
  ],
  [
    'a truncated multipart body',
    FU_FORM_BODY,
    { 'content-type': mp.type },
    mp.body.slice(0, 60),
    refused('invalid_form'),
  ],
];

describe('the one body reader', () => {
  for (const [what, accepts, headers, body, expected] of table) {
    it(`when the body is ${what}, then ${expected.ok ? expected.body.kind : `refused (${expected.refusal.reason})`}`, async () => {
      expect(await parseBody(Buffer.from(body), headers, accepts)).to.deep.equal(expected);
    });
  }

  it('when brackets sit inside JSON strings (escaped quotes too), then they do not count as depth', () => {
    const text = JSON.stringify({ a: '[[[[[[[[[[', b: '\\"[[[[[[[[' });
    expect(jsonDeeperThan(text, 2)).to.equal(false);
    expect(jsonDeeperThan('[[[', 2)).to.equal(true);
    expect(jsonDeeperThan('{"a":{"b":[1]}}', 3)).to.equal(false);
    expect(jsonDeeperThan('{"a":{"b":[[1]]}}', 3)).to.equal(true);
  });
});
