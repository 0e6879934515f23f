import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createRequestLogger } from '../../../../src/lib/http/request-logger.js';
import { memoryLogger } from '../../../../src/lib/logger.js';

function appWith(level: string) {
  const { logger, lines } = memoryLogger(level);
  const app = express();
  app.use(createRequestLogger(logger));
  app.get('/ok', (req, res) => res.json({ id: req.id }));
  app.get('/boom', (_req, res) => res.status(503).end());
  const parsed = () => lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, parsed };
}

describe('request logger (access lines)', () => {
  it('when a request is answered, then one info line names its id, method, URL, status and time', async () => {
    const { app, parsed } = appWith('info');
    const res = await request(app).get('/ok?x=1').set('x-request-id', 'req-42').expect(200);
    expect(res.headers['x-request-id']).to.equal('req-42');
    expect(res.body).to.deep.equal({ id: 'req-42' });
    const [line, ...more] = parsed();
    expect(more).to.have.length(0);
    expect(line).to.include({ level: 30, msg: 'request completed' });
    expect(line!.req).to.deep.equal({ id: 'req-42', method: 'GET', url: '/ok?x=1' });
    expect(line!.res).to.deep.equal({ statusCode: 200 });
    expect(line!.responseTime).to.be.a('number');
  });

  it('when the incoming id is not sane, then a new UUID is used', async () => {
    const { app } = appWith('info');
    const res = await request(app).get('/ok').set('x-request-id', 'bad id with spaces').expect(200);
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when the answer is a 5xx, then the line is an error, even when info lines are off', async () => {
    const { app, parsed } = appWith('warn');
    await request(app).get('/ok').expect(200);
    await request(app).get('/boom').expect(503);
    const lines = parsed();
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 50, msg: 'request errored' });
    expect(lines[0]!.res).to.deep.equal({ statusCode: 503 });
  });
});

describe('request log', () => {
  it('when an OAuth callback is logged, then the code, state and other credentials in the query are redacted', async () => {
    const { logger, lines } = memoryLogger();
    const app = express();
    app.use(createRequestLogger(logger));
    app.get('/fu_auth/idp/callback', (_req, res) => res.status(204).end());
    await request(app).get(
      '/fu_auth/idp/callback?code=SECRET-CODE&state=SECRET-STATE&code_verifier=SECRET-V&iss=https%3A%2F%2Fidp&error=x',
    );
    const line = lines().find((l) => l.includes('"req"'))!;
    expect(line).not.to.match(/SECRET/);
    const { req } = JSON.parse(line) as { req: { url: string } };
    expect(req.url).to.equal(
      '/fu_auth/idp/callback?code=[redacted]&state=[redacted]&code_verifier=[redacted]&iss=https%3A%2F%2Fidp&error=x',
    );
  });

  it('when a URL has no query, then it is logged as it is', async () => {
    const { logger, lines } = memoryLogger();
    const app = express();
    app.use(createRequestLogger(logger));
    app.get('/fu_auth/users/me', (_req, res) => res.status(204).end());
    await request(app).get('/fu_auth/users/me');
    const { req } = JSON.parse(lines().find((l) => l.includes('"req"'))!) as {
      req: { url: string };
    };
    expect(req.url).to.equal('/fu_auth/users/me');
  });
});
