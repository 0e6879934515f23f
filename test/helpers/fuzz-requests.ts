/**
 * Generated hostile requests for the "input never causes a 5xx" property: every route
 * of both surfaces (the legacy contract's `/auth/*`, its facade `/fu_auth/legacy/*`, `/api/*`, and
 * every `/fu_auth` route of the route table), with generated methods, path parameters, queries,
 * headers, content types, encodings and bodies, sent with or without a real credential so that the
 * bodies of authenticated routes are reached too. One sender for an in-process server and the proxy.
 */
import fc from 'fast-check';
import request from 'supertest';
import { ROUTES } from '../../src/fu-auth/openapi/openapi-routes.js';
import { surfaceOf } from '../../src/lib/contracts/surface.js';
import { uniqueEmail } from './factories.js';
import { rawSend, type RawResponse } from './raw-http.js';
import { CREDENTIAL_KINDS, mintCredential, type CredentialKind } from './sessions.js';

export interface RouteTemplate {
  method: string;
  /** `{id}` is replaced by a generated path parameter. */
  path: string;
}

const LEGACY_ROUTES: RouteTemplate[] = [
  { method: 'POST', path: '/login' },
  { method: 'POST', path: '/logout' },
  { method: 'GET', path: '/me' },
  { method: 'POST', path: '/register' },
  { method: 'POST', path: '/change-password' },
];

export const FUZZ_ROUTES: RouteTemplate[] = [
  ...LEGACY_ROUTES.map((r) => ({ method: r.method, path: `/auth${r.path}` })),
  ...LEGACY_ROUTES.map((r) => ({ method: r.method, path: `/fu_auth/legacy${r.path}` })),
  { method: 'GET', path: '/api/contacts' },
  { method: 'POST', path: '/api/contacts' },
  { method: 'GET', path: '/api/contacts/{id}' },
  { method: 'PUT', path: '/api/contacts/{id}' },
  { method: 'DELETE', path: '/api/contacts/{id}' },
  { method: 'GET', path: '/api/admin/users' },
  ...ROUTES.map((r) => ({ method: r.method.toUpperCase(), path: `/fu_auth${r.path}` })),
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/fu_auth/{id}' },
  { method: 'GET', path: '/{id}' },
];

const readsBody = (route: RouteTemplate) => ['POST', 'PUT', 'PATCH'].includes(route.method);

export type FuzzCredential = 'none' | CredentialKind | 'superuser bearer' | 'admin session';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  credential: FuzzCredential;
}

/** `arbitrary` one time in `oneIn`, otherwise null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** Visible ASCII: what a client library lets through in a header value. */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength,
  });

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.emailAddress(),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    'ann@example.com',
    'ANN@EXAMPLE.COM ',
    'x'.repeat(300),
    '€'.repeat(30),
    'p'.repeat(73),
    '\ud800',
    '<script>',
    "' OR 1=1 --",
    'null',
    'true',
    'password',
  ),
);

const fieldName = fc.constantFrom(
  'email',
  'password',
  'full_name',
  'current_password',
  'new_password',
  'username',
  'grant_type',
  'token',
  'name',
  'notes',
  'phone',
  'company',
  'is_active',
  'is_superuser',
  'is_verified',
  'scope',
  'client_id',
  '__proto__',
  'constructor',
);

const nestedArray = (depth: number): unknown => {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
};

const deepText = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const fieldValue = fc.oneof(
  { weight: 8, arbitrary: text },
  // Deeper values are sent as text (hostileExamples): JSON.stringify itself recurses.
  { weight: 1, arbitrary: fc.constantFrom(33, 500).map(nestedArray) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const fields = fc.dictionary(fieldName, fieldValue, { maxKeys: 6 });

const deep = fc
  .tuple(fc.constantFrom(33, 200, 1000, 5000, 8000), fc.boolean())
  .map(([depth, array]) =>
    array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

const asText = (v: unknown): string => (typeof v === 'string' ? v : String(JSON.stringify(v)));

const formOf = (values: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(values).map(([k, v]): [string, string] => [k, asText(v)]),
  ).toString();

const multipartOf = (values: Record<string, unknown>, boundary: string) =>
  Object.entries(values)
    .map(
      ([k, v]) =>
        `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${asText(v)}\r\n`,
    )
    .join('') + `--${boundary}--\r\n`;

const BOUNDARY = 'fuzz-boundary';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** A body and the content type that names it (a client may still send another one). */
interface TypedBody {
  bytes?: Buffer;
  type?: string;
}
const typed = (type: string | undefined) => (text: string | Uint8Array) => ({
  bytes: Buffer.from(text),
  ...(type ? { type } : {}),
});

const body: fc.Arbitrary<TypedBody> = fc.oneof(
  { weight: 6, arbitrary: fields.map((f) => typed(JSON_TYPE)(JSON.stringify(f))) },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => typed(JSON_TYPE)(JSON.stringify(v))),
  },
  { weight: 2, arbitrary: fields.map((f) => typed(FORM_TYPE)(formOf(f))) },
  { weight: 2, arbitrary: fields.map((f) => typed(MULTIPART_TYPE)(multipartOf(f, BOUNDARY))) },
  { weight: 3, arbitrary: deep.map(typed(JSON_TYPE)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map(typed(undefined)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map(typed('text/plain')) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(17 * 1024, 70 * 1024)
      .map((n) =>
        typed(JSON_TYPE)(JSON.stringify({ email: 'a@example.com', notes: 'x'.repeat(n) })),
      ),
  },
  { weight: 1, arbitrary: fc.constant(typed(undefined)('')) },
  { weight: 1, arbitrary: fc.constant({}) },
);

/** Another content type than the body's own. */
const otherContentType = sometimes(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/x-www-form-urlencoded',
        `multipart/form-data; boundary=${BOUNDARY}`,
        'text/plain',
      ),
    },
    fc.constantFrom(
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/merge-patch+json',
      'APPLICATION/JSON',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'application/octet-stream',
      ';;;',
      'application/json; charset="',
    ),
    headerText(40),
  ),
  5,
);

const pathParam = fc.oneof(
  fc.uuid(),
  fc.integer({ min: -5, max: 3_000_000_000 }).map(String),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom(
    '%E0%A4%A',
    '%',
    '%00',
    '%2e%2e',
    'me',
    '0',
    '99999999999999999999',
    'users',
    '%252F',
    'a%2Fb',
  ),
);

const query = sometimes(
  fc.oneof(
    fc
      .dictionary(
        fc.constantFrom('limit', 'offset', 'x', 'token', 'q'),
        fc.oneof(fc.integer().map(String), fc.string({ maxLength: 12 })),
        { maxKeys: 3 },
      )
      .map((d) => new URLSearchParams(d).toString()),
    fc.constantFrom(
      'limit=%E0',
      'offset=-1&limit=1e9',
      'a[b][c]=1',
      '%',
      'limit=&offset=',
      'limit=1&limit=2',
      'offset=99999999999999999999',
      'offset=9007199254740991',
      'limit=0x10',
    ),
  ),
  3,
);

const optional = (arbitrary: fc.Arbitrary<string>) => sometimes(arbitrary, 3);

const extraHeaders = fc
  .record({
    'content-encoding': sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x'), 8),
    authorization: optional(
      fc.oneof(
        fc.constantFrom('Bearer', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'bearer  ', 'Bearer %E0'),
        headerText(60).map((s) => `Bearer ${s}`),
      ),
    ),
    cookie: optional(
      fc.oneof(
        fc.constantFrom(
          'crm.sid=s%3Ax.y',
          'crm.sid=fu.garbage',
          'fastapiusersauth=x',
          'authshift_route=v1.x.1.y',
          '%E0=%E0',
          'crm.sid=1; crm.sid=2',
        ),
        headerText(60),
      ),
    ),
    'x-forwarded-for': optional(fc.constantFrom('1.2.3.4', 'garbage', '::1, 10.0.0.1', '')),
    accept: optional(fc.constantFrom('text/html', '*/*', 'application/xml')),
  })
  .map(
    (h) =>
      Object.fromEntries(Object.entries(h).filter(([, v]) => v !== null)) as Record<string, string>,
  );

const credential: fc.Arbitrary<FuzzCredential> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('none' as const) },
  { weight: 3, arbitrary: fc.constantFrom(...CREDENTIAL_KINDS) },
  { weight: 1, arbitrary: fc.constantFrom('superuser bearer' as const, 'admin session' as const) },
);

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    // Routes that read a body are drawn three times as often.
    route: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...FUZZ_ROUTES.filter(readsBody)) },
      { weight: 1, arbitrary: fc.constantFrom(...FUZZ_ROUTES) },
    ),
    otherMethod: sometimes(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      6,
    ),
    // Rare: fastapi-users' paths are case-sensitive and redirect a trailing slash (404/307).
    trailingSlash: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    upperCase: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    param: pathParam,
    query,
    otherContentType,
    headers: extraHeaders,
    body,
    credential,
  })
  .map((r) => {
    let path = r.route.path.replace('{id}', r.param);
    if (r.upperCase) path = path.toUpperCase();
    if (r.trailingSlash) path += '/';
    if (r.query !== null) path += `?${r.query}`;
    const headers = { ...r.headers };
    const type = r.otherContentType ?? r.body.type;
    if (type !== undefined) headers['content-type'] = type;
    const req: FuzzRequest = {
      method: r.otherMethod ?? r.route.method,
      path,
      headers,
      ...(r.body.bytes ? { body: r.body.bytes } : {}),
      credential: r.credential,
    };
    return describable(req);
  });

/**
 * Requests every run sends whatever the seed draws (fast-check `examples`): the hostile bodies of
 * the abuse findings on every route that reads JSON, each with a credential that gets it past authentication.
 */
export function hostileExamples(): FuzzRequest[] {
  const json = { 'content-type': JSON_TYPE };
  const routes: [string, string, FuzzCredential][] = [
    ['POST', '/fu_auth/register', 'none'],
    ['POST', '/fu_auth/forgot-password', 'none'],
    ['POST', '/fu_auth/request-verify-token', 'none'],
    ['POST', '/fu_auth/reset-password', 'none'],
    ['POST', '/fu_auth/verify', 'none'],
    ['PATCH', '/fu_auth/users/me', 'bearer JWT'],
    ['POST', '/auth/register', 'none'],
    ['POST', '/auth/login', 'none'],
    ['POST', '/auth/change-password', 'legacy session'],
    ['POST', '/fu_auth/legacy/register', 'none'],
    ['POST', '/fu_auth/legacy/change-password', 'facade session'],
    ['POST', '/api/contacts', 'legacy session'],
    ['PUT', '/api/contacts/1', 'bearer JWT'],
  ];
  const bodies = [
    deepText(5000),
    '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    `{"email":${deepText(3000)},"password":${deepText(3000)}}`,
    JSON.stringify({ email: `${'a'.repeat(15_000)}@example.com`, full_name: 'a\u0000b' }),
  ];
  const queries: FuzzRequest[] = [
    'offset=9007199254740991&limit=500',
    'offset=99999999999999999999',
    'limit=1&limit=2',
  ].map((q) =>
    describable({
      method: 'GET',
      path: `/api/admin/users?${q}`,
      headers: {},
      credential: 'admin session',
    }),
  );
  return queries.concat(
    routes.flatMap(([method, path, credential]) =>
      bodies.map((text) =>
        describable({ method, path, headers: json, body: Buffer.from(text), credential }),
      ),
    ),
  );
}

/** A counterexample is reported by its start, not as thousands of bytes. */
function describable(req: FuzzRequest): FuzzRequest {
  return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) });
}

export function describeRequest(req: FuzzRequest): string {
  const body = req.body
    ? ` body(${req.body.length} bytes)=${JSON.stringify(req.body.subarray(0, 120).toString('latin1'))}`
    : '';
  return `${req.method} ${req.path} [${req.credential}] ${JSON.stringify(req.headers)}${body}`;
}

/** Credentials for generated requests: a fresh account per request, so no request spoils another. */
export interface Credentials {
  headersFor(credential: FuzzCredential): Promise<Record<string, string>>;
}

export interface Privileges {
  /** `Bearer …` of a fastapi-users superuser. */
  superuserBearer(): string;
  /** Gives the legacy account `email` the role `admin`. */
  promoteToAdmin(email: string): Promise<void>;
}

export function credentialsAt(url: string, privileges: Privileges): Credentials {
  return {
    async headersFor(credential) {
      if (credential === 'none') return {};
      if (credential === 'superuser bearer') return { authorization: privileges.superuserBearer() };
      const email = uniqueEmail('fuzz');
      const password = 'fuzz-password-1';
      await request(url).post('/auth/register').send({ email, password }).expect(201);
      if (credential === 'admin session') {
        await privileges.promoteToAdmin(email);
        return mintCredential(url, 'legacy session', email, password);
      }
      return mintCredential(url, credential, email, password);
    },
  };
}

export async function sendFuzz(
  url: string,
  req: FuzzRequest,
  credentials: Credentials,
): Promise<RawResponse> {
  const auth = await credentials.headersFor(req.credential);
  const headers = { ...req.headers, ...auth };
  if (req.headers.cookie && auth.cookie) headers.cookie = `${req.headers.cookie}; ${auth.cookie}`;
  return rawSend(`${url}${req.path}`, {
    method: req.method,
    headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
}

/** What is wrong with an answer to a generated request, or null: no 5xx, and the path's own format. */
export function answerProblem(req: FuzzRequest, res: RawResponse): string | null {
  if (res.status >= 500) return `status ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 400 || req.method === 'HEAD' || res.text === '') return null;
  if (!/json/.test(String(res.headers['content-type']))) return null;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `unparsable JSON error body: ${res.text.slice(0, 200)}`;
  }
  const key = surfaceOf(req.path) === 'fu' ? 'detail' : 'error';
  if (typeof body !== 'object' || body === null || !(key in body))
    return `a ${res.status} on ${req.path} without "${key}": ${res.text.slice(0, 200)}`;
  return null;
}
