import { expect } from 'chai';
import type { RequestListener } from 'node:http';
import express from 'express';
import request from 'supertest';
import { AppError } from '../../../src/errors/app-error.js';
import { renderFuError } from '../../../src/fu-auth/render-error.js';
import { renderLegacyError } from '../../../src/legacy-auth/render-error.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createErrorHandler, type ErrorRenderer } from '../../../src/middleware/error-handler.js';

/** An error whose body cannot be serialised (JSON.stringify refuses a BigInt). */
const unrenderable = () =>
  new AppError('VALIDATION_FAILED', {
    issues: [{ type: 'value_error', loc: ['body'], msg: 'x', input: BigInt(1) }],
  });

function appRendering(render: ErrorRenderer): RequestListener {
  const app = express();
  app.get('/', () => {
    throw unrenderable();
  });
  app.use(createErrorHandler({ logger: silentLogger(), render }));
  return app;
}

describe('error handler', () => {
  it("when an error fails to render, then the surface's own 500 is sent, not RequestListener's page", async () => {
    const fu = await request(appRendering(renderFuError)).get('/');
    expect(fu.status).to.equal(500);
    expect(fu.body).to.deep.equal({ detail: 'Internal Server Error' });
    const legacy = await request(appRendering(renderLegacyError)).get('/');
    expect(legacy.status).to.equal(422);
    expect(legacy.body).to.deep.equal({ error: 'validation_failed', fields: { body: 'invalid' } });
  });
});
