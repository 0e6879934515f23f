import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createRequestLogger } from '../../../../src/lib/http/request-logger.js';
import { memoryLogger } from '../../../../src/lib/logger.js';

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
      '/fu_auth/idp/callback?code=%5BREDACTED%5D&state=%5BREDACTED%5D&code_verifier=%5BREDACTED%5D&iss=https%3A%2F%2Fidp&error=x',
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
