import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import request from 'supertest';
import { buildOpenApiDocument } from '../../../src/fu-auth/openapi/openapi-document.js';
import { ROUTES } from '../../../src/fu-auth/openapi/openapi-routes.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('/fu_auth routing, OpenAPI document and docs', () => {
  const t = useTestApp();

  it('when the path is unknown, then 404 {"detail":"Not Found"} with a bare application/json type', async () => {
    for (const path of ['/fu_auth/nope', '/fu_auth/auth/jwt/login', '/fu_auth/users/a/b']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).to.equal(404);
      expect(res.text).to.equal('{"detail":"Not Found"}');
      expect(res.headers['content-type']).to.equal('application/json');
    }
  });

  it('when a known path gets another method, then 405 {"detail":"Method Not Allowed"} with Allow', async () => {
    const cases: [string, string, string][] = [
      ['put', '/fu_auth/register', 'POST'],
      ['post', '/fu_auth/users/me', 'GET, PATCH, DELETE'],
      ['put', '/fu_auth/users/5016eede-6493-48fb-b82b-f31a6ca7dd55', 'GET, PATCH, DELETE'],
      ['get', '/fu_auth/cookie/logout', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await request(t.app)[method as 'put'](path);
      expect(res.status, `${method} ${path}`).to.equal(405);
      expect(res.text).to.equal('{"detail":"Method Not Allowed"}');
      expect(res.headers.allow).to.equal(allow);
    }
  });

  it('when a route is called with a trailing slash, then 307 to the path without it (query kept)', async () => {
    const res = await request(t.app).get('/fu_auth/users/me/?x=1');
    expect(res.status).to.equal(307);
    // Relative: the client's Host header is never reflected (see the test below).
    expect(res.headers.location).to.equal('/fu_auth/users/me?x=1');
    const post = await request(t.app).post('/fu_auth/register/');
    expect(post.status).to.equal(307);
    expect(res.text).to.equal('');
  });

  it('when a trailing-slash request names another host, then the redirect still stays on this service', async () => {
    for (const headers of [
      { host: 'evil.example' },
      { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    ]) {
      const res = await request(t.app).get('/fu_auth/users/me/').set(headers);
      expect(res.status).to.equal(307);
      expect(res.headers.location).to.equal('/fu_auth/users/me');
      expect(res.headers.location).not.to.contain('evil');
    }
  });

  describe('GET /fu_auth/openapi.json', () => {
    let doc: {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    before(async () => {
      const res = await request(t.app).get('/fu_auth/openapi.json').expect(200);
      doc = res.body;
    });

    it('when fetched, then it is a valid OpenAPI 3.1 document', async () => {
      expect(doc.openapi).to.equal('3.1.0');
      const result = await new Validator().validate(structuredClone(doc));
      expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
    });

    it('when fetched, then every route is listed with the status codes FastAPI documents for it', () => {
      expect(doc).to.deep.equal(buildOpenApiDocument('/fu_auth'));
      for (const route of ROUTES.filter((r) => !r.undocumented)) {
        const operation = doc.paths[`/fu_auth${route.path}`]?.[route.method];
        expect(operation, `${route.method} ${route.path}`).to.be.an('object');
        const declared = Object.keys(route.responses ?? {});
        expect(operation!.responses).to.include.keys(String(route.status ?? 200), ...declared);
      }
      expect(Object.keys(doc.paths)).to.have.length(11);
      // FastAPI's default 200 (fastapi-users declares no status_code on logout) and the 401.
      expect(doc.paths['/fu_auth/jwt/logout']!.post!.responses).to.have.keys('200', '401');
      expect(doc.paths['/fu_auth/cookie/login']!.post!.responses).to.include.keys(
        '204',
        '400',
        '422',
      );
    });

    it('when fetched, then the schemas are the validating ones (UserCreate has the UserCreate fields)', () => {
      expect(Object.keys(doc.components.schemas.UserCreate!.properties!)).to.deep.equal([
        'email',
        'password',
        'is_active',
        'is_superuser',
        'is_verified',
      ]);
      const login = doc.components.schemas.Body_auth_jwt_login_fu_auth_jwt_login_post;
      expect(login!.properties).to.include.keys('grant_type', 'username', 'password');
    });
  });

  it('when /fu_auth/docs is opened, then Swagger UI loads from local assets (no CDN)', async () => {
    const page = await request(t.app).get('/fu_auth/docs').expect(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.contain("url: '/fu_auth/openapi.json'");
    expect(page.text).to.not.match(/https?:\/\//);
    const bundle = await request(t.app).get('/fu_auth/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).to.equal(200);
    expect(bundle.headers['content-type']).to.match(/javascript/);
  });
});
