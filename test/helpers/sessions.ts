import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { FU_AUTH_COOKIE, LEGACY_SESSION_COOKIE } from '../../src/lib/contracts/cookies.js';

/**
 * The four credentials a person can hold (docs/engines.md, "Sessions across engines"), each minted by the
 * engine that issues it, as request headers a client would send back.
 */
export const CREDENTIAL_KINDS = [
  'legacy session',
  'facade session',
  'fastapiusersauth cookie',
  'bearer JWT',
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** The kinds that are sessions a server can end (a JWT lives until `exp`). */
export const ENDABLE_KINDS = CREDENTIAL_KINDS.filter((kind) => kind !== 'bearer JWT');

export type Headers = Record<string, string>;

/** The in-process app, or the base URL of a running server. */
export type App = RequestListener | string;

export function setCookieHeaders(res: request.Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}

/** The Set-Cookie header for `name`, or undefined. */
export function setCookieFor(res: request.Response, name: string): string | undefined {
  return setCookieHeaders(res).find((c) => c.startsWith(`${name}=`));
}

/** `name=value` of the Set-Cookie for `name` (fails the test when there is none). */
export function cookiePair(res: request.Response, name: string): string {
  const cookie = setCookieFor(res, name);
  expect(cookie, `a ${name} cookie`).to.be.a('string');
  return cookie!.split(';')[0]!;
}

export async function mintCredential(
  app: App,
  kind: CredentialKind,
  email: string,
  password: string,
): Promise<Headers> {
  const form = { username: email, password };
  switch (kind) {
    case 'legacy session': {
      const res = await request(app).post('/auth/login').send({ email, password });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return { cookie: cookiePair(res, LEGACY_SESSION_COOKIE) };
    }
    case 'facade session': {
      const res = await request(app).post('/fu_auth/legacy/login').send({ email, password });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const cookie = cookiePair(res, LEGACY_SESSION_COOKIE);
      expect(cookie).to.match(/^crm\.sid=fu\./);
      return { cookie };
    }
    case 'fastapiusersauth cookie': {
      const res = await request(app).post('/fu_auth/cookie/login').type('form').send(form);
      expect(res.status, JSON.stringify(res.body)).to.equal(204);
      return { cookie: cookiePair(res, FU_AUTH_COOKIE) };
    }
    case 'bearer JWT': {
      const res = await request(app).post('/fu_auth/jwt/login').type('form').send(form);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return { authorization: `Bearer ${res.body.access_token as string}` };
    }
  }
}

/** Several credentials in one request, as a client holding them all would send them. */
export function combine(...all: Headers[]): Headers {
  const cookies = all.flatMap((h) => (h.cookie ? [h.cookie] : []));
  const merged: Headers = Object.assign({}, ...all);
  if (cookies.length > 0) merged.cookie = cookies.join('; ');
  return merged;
}

/** Whether a credential still opens a session: the legacy `/me` of both engines and fastapi-users' own. */
export async function opens(app: App, kind: CredentialKind, headers: Headers) {
  const legacy = (await request(app).get('/auth/me').set(headers)).status;
  const facade = (await request(app).get('/fu_auth/legacy/me').set(headers)).status;
  const fu =
    kind === 'fastapiusersauth cookie' || kind === 'bearer JWT'
      ? (await request(app).get('/fu_auth/users/me').set(headers)).status
      : undefined;
  return { legacy, facade, ...(fu === undefined ? {} : { fu }) };
}

export const OPEN = (kind: CredentialKind) =>
  kind === 'fastapiusersauth cookie' || kind === 'bearer JWT'
    ? { legacy: 200, facade: 200, fu: 200 }
    : { legacy: 200, facade: 200 };

export const CLOSED = (kind: CredentialKind) =>
  kind === 'fastapiusersauth cookie' || kind === 'bearer JWT'
    ? { legacy: 401, facade: 401, fu: 401 }
    : { legacy: 401, facade: 401 };
