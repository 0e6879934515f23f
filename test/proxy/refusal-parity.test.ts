/**
 * One body reader (docs/proxy.md, "Unreadable bodies"): when the proxy cannot read an identity body it answers itself,
 * with exactly the status, content type and body the monolith gives for the same request (the
 * legacy `{"error":…}` on /auth/* and the facade, fastapi-users `{"detail":…}` on /fu_auth). The
 * same bad bodies go to the monolith directly and through a real proxy, and must come back equal.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import {
  migratedScratchDatabase,
  setPolicy,
  startMonolith,
  startProxy,
  waitForPolicyVersion,
  type Monolith,
  type ProxyProcess,
} from '../helpers/proxy-stack.js';
import { multipart, rawSend, type RawRequest } from '../helpers/raw-http.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const login = JSON.stringify({ email: 'ann@example.com', password: 'long-enough-1' });

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Bad bodies every JSON identity route refuses. */
const JSON_REFUSALS: [string, RawRequest][] = [
  [
    'gzip',
    { headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(login) },
  ],
  [
    'deflate',
    {
      headers: { 'content-type': JSON_TYPE, 'content-encoding': 'deflate' },
      body: deflateSync(login),
    },
  ],
  [
    'an unknown encoding',
    { headers: { 'content-type': JSON_TYPE, 'content-encoding': 'br' }, body: login },
  ],
  [
    'UTF-16',
    {
      headers: { 'content-type': `${JSON_TYPE}; charset=utf-16le` },
      body: Buffer.from(login, 'utf16le'),
    },
  ],
  ['Latin-1', { headers: { 'content-type': `${JSON_TYPE}; charset=iso-8859-1` }, body: login }],
  [
    'over 16 KiB',
    {
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(17_000) }),
    },
  ],
  ['a 5000-deep array', { headers: { 'content-type': JSON_TYPE }, body: deepArray(5000) }],
  ['a 100-deep object', { headers: { 'content-type': JSON_TYPE }, body: deepObject(100) }],
  ['malformed JSON', { headers: { 'content-type': JSON_TYPE }, body: '{"email":' }],
  [
    'invalid UTF-8',
    {
      headers: { 'content-type': JSON_TYPE },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    },
  ],
];

const duplicateForm = (field: string) =>
  `${field}=a%40example.com&${field}=b%40example.com&password=long-enough-1`;

/** Bad bodies of the form-reading routes. */
const FORM_REFUSALS: [string, RawRequest][] = [
  [
    'gzip',
    {
      headers: { 'content-type': FORM_TYPE, 'content-encoding': 'gzip' },
      body: gzipSync('username=a%40example.com&password=x'),
    },
  ],
  [
    'Latin-1',
    {
      headers: { 'content-type': `${FORM_TYPE}; charset=latin1` },
      body: 'username=a%40example.com&password=x',
    },
  ],
  [
    'invalid UTF-8',
    { headers: { 'content-type': FORM_TYPE }, body: Buffer.from([0x75, 0x3d, 0xff]) },
  ],
];

const ROUTES: { path: string; refusals: [string, RawRequest][] }[] = [
  {
    path: '/auth/login',
    refusals: [
      ...JSON_REFUSALS,
      ...FORM_REFUSALS,
      [
        'a repeated form field',
        { headers: { 'content-type': FORM_TYPE }, body: duplicateForm('email') },
      ],
    ],
  },
  { path: '/auth/register', refusals: JSON_REFUSALS },
  { path: '/fu_auth/legacy/login', refusals: JSON_REFUSALS },
  { path: '/fu_auth/legacy/register', refusals: JSON_REFUSALS },
  { path: '/fu_auth/register', refusals: JSON_REFUSALS },
  { path: '/fu_auth/forgot-password', refusals: JSON_REFUSALS },
  { path: '/fu_auth/request-verify-token', refusals: JSON_REFUSALS },
  { path: '/fu_auth/reset-password', refusals: JSON_REFUSALS },
  { path: '/fu_auth/verify', refusals: JSON_REFUSALS },
  {
    path: '/fu_auth/jwt/login',
    refusals: [
      ...FORM_REFUSALS,
      [
        'a repeated form field',
        { headers: { 'content-type': FORM_TYPE }, body: duplicateForm('username') },
      ],
      [
        'a repeated multipart field',
        multipartRequest([
          ['username', 'a@example.com'],
          ['username', 'b@example.com'],
          ['password', 'x'],
        ]),
      ],
      [
        'a truncated multipart body',
        {
          headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
          body: '--xyz\r\ncontent-disposition: form-data; name="username"\r\n\r\na@example.com',
        },
      ],
      [
        'a multipart body without a boundary',
        { headers: { 'content-type': 'multipart/form-data' }, body: 'username=a' },
      ],
    ],
  },
];

function multipartRequest(fields: [string, string][]): RawRequest {
  const form = multipart(fields);
  return { headers: { 'content-type': form.type }, body: form.body };
}

describe('proxy processes: an unreadable body gets the monolith’s own answer from the proxy', function () {
  this.timeout(60_000);
  let db: { url: string; drop(): Promise<void> };
  let monolith: Monolith;
  let proxy: ProxyProcess;

  before(async () => {
    db = await migratedScratchDatabase();
    monolith = await startMonolith(db.url);
    proxy = await startProxy(db.url, { PORT: String(monolith.port) });
    // The gate makes the proxy read native /fu_auth bodies too (without it they pass untouched).
    await waitForPolicyVersion(proxy, await setPolicy(db.url, 'gate_fu_auth = true, percent = 0'));
  });
  after(async () => {
    await Promise.all([proxy?.proc.stop(), monolith?.proc.stop()]);
    await db?.drop();
  });

  for (const { path, refusals } of ROUTES) {
    it(`when ${path} gets a body it cannot read, then the proxy answers exactly as the monolith does`, async () => {
      for (const [what, init] of refusals) {
        const direct = await rawSend(`${monolith.url}${path}`, init);
        const proxied = await rawSend(`${proxy.url}${path}`, init);
        const label = `${path}, ${what}: ${direct.status} ${direct.text}`;
        expect(direct.status, label).to.be.within(400, 499);
        expect(proxied.status, label).to.equal(direct.status);
        expect(proxied.text, label).to.equal(direct.text);
        expect(proxied.headers['content-type'], label).to.equal(direct.headers['content-type']);
        expect(proxied.headers['x-authshift-arm'], label).to.be.a('string');
      }
    });
  }

  it('when /fu_auth/register gets a 5000-deep JSON array, then 422 in the fastapi-users format (not a 500)', async () => {
    for (const base of [monolith.url, proxy.url]) {
      const res = await rawSend(`${base}/fu_auth/register`, {
        headers: { 'content-type': JSON_TYPE },
        body: deepArray(5000),
      });
      expect(res.status, base).to.equal(422);
      const detail = JSON.parse(res.text).detail as { type: string; loc: unknown[] }[];
      expect(
        detail.map((i) => [i.type, i.loc]),
        base,
      ).to.deep.equal([['json_invalid', ['body']]]);
    }
  });

  it('when the legacy routes get a too-deep body, then 422 validation_failed with fields.body', async () => {
    const res = await rawSend(`${monolith.url}/auth/register`, {
      headers: { 'content-type': JSON_TYPE },
      body: deepObject(100),
    });
    expect(res.status).to.equal(422);
    expect(JSON.parse(res.text)).to.deep.equal({
      error: 'validation_failed',
      fields: { body: 'invalid_json' },
    });
  });
});
