import { expect } from 'chai';
import { isDatabaseUnreachable } from '../../../src/lib/pg/database-unreachable.js';

/** Errors shaped as pg and Sequelize raise them (Sequelize wraps the driver's in `parent`). */
const wrapped = (parent: object, name = 'SequelizeDatabaseError') =>
  Object.assign(new Error('wrapped'), { name, parent, original: parent });

describe('isDatabaseUnreachable', () => {
  const unreachable: [string, unknown][] = [
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'an admin shutdown (57P01) inside a Sequelize error',
      wrapped({ code: '57P01', message: 'terminating connection due to administrator command' }),
    ],
    ['a crash shutdown (57P02)', { code: '57P02', message: 'x' }],
    ['a server that cannot connect now (57P03)', { code: '57P03', message: 'x' }],
    ['a broken connection (08006)', { code: '08006', message: 'x' }],
    ['Sequelize connection errors by name', wrapped({}, 'SequelizeConnectionRefusedError')],
    ['a pool that could not acquire', wrapped({}, 'SequelizeConnectionAcquireTimeoutError')],
    ['"Connection terminated unexpectedly"', new Error('Connection terminated unexpectedly')],
    ['a server starting up', new Error('the database system is starting up')],
    [
      // pg, for a query (a COMMIT, say) sent on a client whose socket has already failed
      'a query on a client that lost its connection, inside a Sequelize error',
      wrapped(new Error('Client has encountered a connection error and is not queryable')),
    ],
    ['a cause chain', new Error('step failed', { cause: { code: 'ECONNREFUSED' } })],
  ];
  for (const [what, error] of unreachable)
    it(`when the error is ${what}, then the database counts as unreachable`, () => {
      expect(isDatabaseUnreachable(error)).to.equal(true);
    });

  const failures: [string, unknown][] = [
    ['a unique violation', wrapped({ code: '23505', message: 'duplicate key value' })],
    ['a syntax error', wrapped({ code: '42601', message: 'syntax error' })],
    ['a plain Error', new Error('smoke register: 500')],
    ['no error at all', undefined],
    [
      'a self-referencing parent',
      (() => {
        const e = { code: 'X', parent: {} };
        e.parent = e;
        return e;
      })(),
    ],
  ];
  for (const [what, error] of failures)
    it(`when the error is ${what}, then it is a failure, not an interruption`, () => {
      expect(isDatabaseUnreachable(error)).to.equal(false);
    });
});
