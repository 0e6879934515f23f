/**
 * What every database CLI shares around its work: the configuration, a logger that stays quiet
 * unless debugging was asked for (the command prints its own lines; a failure is one line from
 * the runner), the database (DATABASE_URL, or the embedded PostgreSQL), and closing it all
 * whatever the outcome.
 */
import type { Sequelize } from 'sequelize';
import { loadConfig, type Config } from '../config/load-config.js';
import { resolveDatabase } from '../db/database-url.js';
import { createSequelize } from '../db/sequelize.js';
import { debugRequested } from '../lib/cli/run-cli.js';
import { createLogger, type Logger } from '../lib/logger.js';

export interface CliSession {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  sequelize: Sequelize;
}

export function cliLogger(name: string): Logger {
  return createLogger({
    level: debugRequested(process.argv, process.env) ? 'debug' : 'silent',
    name,
  });
}

export async function withCliSession<T>(
  name: string,
  work: (session: CliSession) => Promise<T>,
  options: { poolMax?: number } = {},
): Promise<T> {
  const config = loadConfig(process.env);
  const logger = cliLogger(name);
  const database = await resolveDatabase(config, logger);
  const sequelize = createSequelize({ url: database.url, poolMax: options.poolMax ?? 2, logger });
  try {
    return await work({ config, logger, databaseUrl: database.url, sequelize });
  } finally {
    await sequelize.close();
    await database.stop();
  }
}
