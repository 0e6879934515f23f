import { expect } from 'chai';
import { memoryLogger } from '../../../src/lib/logger.js';

describe('logger', () => {
  it('when a pg-pool error carrying its client is logged, then the line has the error but not the client', () => {
    const { logger, lines } = memoryLogger();
    const error = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      client: { connectionParameters: { user: 'postgres', database: 'authshift' } },
    });
    logger.warn({ err: error }, 'idle session-pool client failed');
    const line = JSON.parse(lines()[0]!) as { err: Record<string, unknown> };
    expect(line.err).to.include({
      type: 'Error',
      message: 'terminating connection due to administrator command',
      code: '57P01',
    });
    expect(line.err).not.to.have.property('client');
    expect(lines()[0]).not.to.contain('connectionParameters');
  });

  it('when an ordinary error is logged, then pino’s usual fields are all there', () => {
    const { logger, lines } = memoryLogger();
    logger.error({ err: new TypeError('boom') }, 'failed');
    const line = JSON.parse(lines()[0]!) as { err: Record<string, unknown> };
    expect(line.err).to.include({ type: 'TypeError', message: 'boom' });
    expect(line.err.stack).to.be.a('string');
  });
});
