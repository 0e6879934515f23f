import { Sequelize } from 'sequelize';
import type { Logger } from '../lib/logger.js';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  logger: Logger;
}

/** One Sequelize instance per process. It never calls sync(): the schema belongs to migrations. */
export function createSequelize({ url, poolMax, logger }: DatabaseOptions): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: (sql) => logger.trace({ sql }, 'sql'),
    pool: { max: poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: false, freezeTableName: true },
    dialectOptions: { application_name: 'authshift' },
  });
}

/**
 * Connections checked out of Sequelize's pool, plus callers waiting for one. Sequelize keeps its
 * pool (sequelize-pool) untyped, so this reads its documented counters defensively.
 */
export function busyConnections(sequelize: Sequelize): number {
  const pool = (
    sequelize.connectionManager as unknown as { pool?: { using?: number; waiting?: number } }
  ).pool;
  return (pool?.using ?? 0) + (pool?.waiting ?? 0);
}
