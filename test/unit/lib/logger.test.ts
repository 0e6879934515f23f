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

describe('logger: error values', () => {
  it('when a Sequelize-style database error is logged, then SQL text, parameters, detail and field values are dropped at every depth', () => {
    const { logger, lines } = memoryLogger();
    const original = Object.assign(
      new Error('duplicate key value violates unique constraint "u"'),
      {
        code: '23505',
        constraint: 'u',
        detail: 'Key (email)=(secret@example.com) already exists.',
        sql: "INSERT INTO users VALUES ('secret@example.com', '$argon2id$hash')",
        parameters: ['secret@example.com', '$argon2id$hash'],
      },
    );
    const error = Object.assign(new Error('Validation error'), {
      name: 'SequelizeUniqueConstraintError',
      original,
      parent: original,
      sql: original.sql,
      parameters: original.parameters,
      fields: { email: 'secret@example.com' },
      errors: [{ message: 'email must be unique', path: 'email', value: 'secret@example.com' }],
    });
    logger.error({ err: error }, 'request failed');
    const line = lines()[0]!;
    expect(line).not.to.contain('secret@example.com');
    expect(line).not.to.contain('argon2');
    const err = (JSON.parse(line) as { err: Record<string, Record<string, unknown>> }).err;
    expect(err.original).to.include({ code: '23505', constraint: 'u' });
    expect(err.errors).to.deep.equal([{ message: 'email must be unique', path: 'email' }]);
  });

  it('when a data exception quotes its input, then the message and the stack withhold it', () => {
    const { logger, lines } = memoryLogger();
    const error = Object.assign(new Error('invalid input syntax for type uuid: "my-secret"'), {
      code: '22P02',
    });
    logger.error({ err: error }, 'query failed');
    const err = (JSON.parse(lines()[0]!) as { err: { message: string; stack: string } }).err;
    expect(err.message).to.equal('invalid input syntax for type uuid: [value withheld]');
    expect(err.stack).to.contain('[value withheld]');
    expect(lines()[0]).not.to.contain('my-secret');
  });

  it('when an SMTP error is logged, then the recipients in its envelope and answer are not', () => {
    const { logger, lines } = memoryLogger();
    const error = Object.assign(new Error("Can't send mail - all recipients were rejected"), {
      code: 'EENVELOPE',
      command: 'RCPT TO',
      response: '550 5.1.1 <someone@example.com>: Recipient address rejected',
      rejected: ['someone@example.com'],
      envelope: { from: 'no-reply@x', to: ['someone@example.com'] },
    });
    logger.error({ err: error }, 'sending an e-mail failed');
    expect(lines()[0]).to.contain('EENVELOPE');
    expect(lines()[0]).not.to.contain('someone@example.com');
  });
});
