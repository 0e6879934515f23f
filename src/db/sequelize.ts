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
