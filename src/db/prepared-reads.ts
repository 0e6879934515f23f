import { createHash } from 'node:crypto';
import type pg from 'pg';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/**
 * Plain `pg` prepared statements on Sequelize's own pool, for the reads every authenticated
 * request makes (who is this token, this session, this user). `sequelize.query` spends more CPU
 * per call than PostgreSQL spends answering such a read: it rewrites replacements into the SQL
 * text, builds a query object, runs hooks and a logging call, and PostgreSQL parses and plans the
 * text again each time. A named statement is parsed once per connection and then only executed.
 * Connections and their limit stay Sequelize's (DATABASE_POOL_MAX); inside a transaction the read
 * runs through `sequelize.query` on the transaction's connection, with the same SQL and bind
 * values. Rows come back as the same connection would give them to `sequelize.query`.
 */
export type PreparedRead = <Row extends object>(
  text: string,
  values: readonly unknown[],
  transaction?: Transaction,
) => Promise<Row[]>;

/**
 * A statement's name is derived from its text, so one text always has one name on a connection.
 * PostgreSQL re-plans a prepared statement after DDL on its tables, but refuses to run it when its
 * result type changed ("cached plan must not change result type", 0A000), as the consolidation
 * does to `users.is_active` (SMALLINT → BOOLEAN). Such a text then gets a new name, which every
 * connection prepares afresh.
 */
const names = new Map<string, string>();
let generation = 0;
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    const digest = createHash('sha1').update(`${generation}:${text}`).digest('hex');
    name = `authshift_${digest.slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

const RESULT_TYPE_CHANGED = '0A000';
const resultTypeChanged = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === RESULT_TYPE_CHANGED;

export function createPreparedRead(sequelize: Sequelize): PreparedRead {
  const manager = sequelize.connectionManager;
  return async <Row extends object>(
    text: string,
    values: readonly unknown[],
    transaction?: Transaction,
  ): Promise<Row[]> => {
    if (transaction)
      return sequelize.query<Row>(text, {
        bind: [...values],
        transaction,
        type: QueryTypes.SELECT,
      });
    // The primary, as sequelize.query uses without read replicas (none are configured).
    const connection = (await manager.getConnection({ type: 'write' })) as pg.Client;
    const run = () =>
      connection.query<Row & pg.QueryResultRow>({ name: nameOf(text), text, values: [...values] });
    try {
      try {
        return (await run()).rows;
      } catch (error) {
        if (!resultTypeChanged(error)) throw error;
        names.delete(text);
        generation += 1;
        return (await run()).rows;
      }
    } finally {
      manager.releaseConnection(connection);
    }
  };
}
