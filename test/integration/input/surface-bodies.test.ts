/**
 * Input can never cause a 5xx, and each surface answers in its own format whatever happens:
 * JSON is bounded in depth and size before it is parsed (on /api too), a 422 echoes a bounded part
 * of the input, and an error rendered outside a surface's router still takes that surface's body.
 */
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../../src/app.js';
import { createLegacyUser } from '../../helpers/factories.js';
import { useTestApp } from '../../helpers/test-deps.js';

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('input never causes a 5xx, and each surface renders its own body', () => {
  const t = useTestApp();

  describe('deeply nested JSON is refused before it is parsed', () => {
    it('when /fu_auth/register gets a 5000-deep array, then 422 json_invalid in the fastapi-users format', async () => {
      const res = await request(t.app)
        .post('/fu_auth/register')
        .set('content-type', 'application/json')
        .send(deepArray(5000));
      expect(res.status).to.equal(422);
      expect(res.body.detail[0]).to.include({ type: 'json_invalid', msg: 'JSON decode error' });
    });

    for (const path of ['/auth/register', '/fu_auth/legacy/register', '/auth/login']) {
      it(`when ${path} gets a 5000-deep array, then 422 invalid_json in the legacy format`, async () => {
        const res = await request(t.app)
          .post(path)
          .set('content-type', 'application/json')
          .send(deepArray(5000));
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { body: 'invalid_json' },
        });
      });
    }

    it('when /api/contacts gets deeply nested JSON, then 422 invalid_json; over 64 KiB, 413', async () => {
      const u = await createLegacyUser(t.deps.sequelize);
      const agent = request.agent(t.app);
      await agent.post('/auth/login').send({ email: u.email, password: u.password }).expect(200);
      for (const body of [deepArray(5000), deepObject(5000), deepArray(33)]) {
        const res = await agent
          .post('/api/contacts')
          .set('content-type', 'application/json')
          .send(body);
        expect(res.status).to.equal(422);
        expect(res.body).to.deep.equal({
          error: 'validation_failed',
          fields: { body: 'invalid_json' },
        });
      }
      const big = await agent
        .post('/api/contacts')
        .send({ name: 'Big', notes: 'n'.repeat(70 * 1024) });
      expect(big.status).to.equal(413);
      expect(big.body).to.deep.equal({ error: 'payload_too_large' });
      // Long notes within the limit still work, as with the former express.json.
      await agent
        .post('/api/contacts')
        .send({ name: 'Long notes', notes: 'é'.repeat(10_000) })
        .expect(201);
    });
  });

  describe('a 422 echoes a bounded part of the input', () => {
    it('when the e-mail is 10 000 characters, then the echo is cut and the answer stays small', async () => {
      const res = await request(t.app)
        .post('/fu_auth/register')
        .send({ email: `${'a'.repeat(10_000)}@example.com`, password: 'long-enough-1' });
      expect(res.status).to.equal(422);
      expect(res.text.length).to.be.below(3000);
      const [issue] = res.body.detail as { loc: string[]; input: string }[];
      expect(issue!.loc).to.deep.equal(['body', 'email']);
      expect(issue!.input).to.match(/^a{100,}…$/);
    });

    it('when a 16 KiB body is not JSON, then the echoed text is cut', async () => {
      const res = await request(t.app)
        .post('/fu_auth/register')
        .set('content-type', 'text/plain')
        .send('['.repeat(16 * 1024 - 10));
      expect(res.status).to.equal(422);
      expect(res.text.length).to.be.below(3000);
      expect(res.body.detail[0].type).to.equal('model_attributes_type');
    });
  });

  describe('every status in the surface format', () => {
    it('when an error escapes before the surface router, then a /fu_auth path still answers {"detail"} and /auth {"error"}', async () => {
      const failing = express.Router();
      failing.use(() => {
        throw new Error('boom');
      });
      const app = createApp({
        ...t.deps,
        sessions: {
          ...t.deps.sessions,
          claims: { ...t.deps.sessions.claims, middleware: failing },
        },
      });
      const fu = await request(app).get('/fu_auth/users/me');
      expect(fu.status).to.equal(500);
      expect(fu.body).to.deep.equal({ detail: 'Internal Server Error' });
      const facade = await request(app).get('/fu_auth/legacy/me');
      expect(facade.body).to.deep.equal({ error: 'internal_error' });
      const legacy = await request(app).get('/auth/me');
      expect(legacy.body).to.deep.equal({ error: 'internal_error' });
    });

    it('when a path parameter has a broken %-escape, then 404 in the surface format, never 422 about a body', async () => {
      const fu = await request(t.app).get('/fu_auth/users/%E0%A4%A');
      expect(fu.status).to.equal(404);
      expect(fu.body).to.deep.equal({ detail: 'Not Found' });
      const u = await createLegacyUser(t.deps.sequelize);
      const agent = request.agent(t.app);
      await agent.post('/auth/login').send({ email: u.email, password: u.password }).expect(200);
      const api = await agent.get('/api/contacts/%E0%A4%A');
      expect(api.status).to.equal(404);
      expect(api.body).to.deep.equal({ error: 'not_found' });
    });
  });
});
