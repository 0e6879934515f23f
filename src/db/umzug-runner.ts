import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { Umzug, type MigrationFn, type UmzugStorage } from 'umzug';
import type { Logger } from '../lib/logger.js';
import { withAdvisoryLock } from './advisory-lock.js';

/** What every migration and seeder receives. `query` is bound to the step's transaction. */
export interface MigrationContext {
  sequelize: Sequelize;
  transaction: Transaction | undefined;
  query<T extends object = Record<string, unknown>>(
    sql: string,
    replacements?: Record<string, unknown> | unknown[],
  ): Promise<T[]>;
  log(message: string): void;
  /** Free-form parameters from the CLI (e.g. the demo seeder's `--count`). */
  params: Readonly<Record<string, string>>;
}

export type Migration = MigrationFn<MigrationContext>;

/** A migration module: `up`/`down`, and `transactional = false` for steps that manage their own. */
interface MigrationModule {
  up: Migration;
  down?: Migration;
  transactional?: boolean;
}

export interface UmzugRunnerOptions {
  sequelize: Sequelize;
  databaseUrl: string;
  folder: string;
  table: string;
  lockKey: number;
  logger: Logger;
  params?: Record<string, string>;
  /** Progress events (`{event: 'migrating', name}`…); CLIs print them, services log them. */
  onEvent?: (event: Record<string, unknown>) => void;
}

export type UmzugRunner = ReturnType<typeof createUmzugRunner>;

/** Strips the extension so compiled `.js` and source `.ts` files record the same name. */
export function migrationName(file: string): string {
  return path.basename(file).replace(/\.(ts|js|mjs|cjs)$/, '');
}

/**
 * umzug over a folder of TypeScript/JavaScript steps. Each transactional step and its meta row
 * commit together, so a crash never leaves a step half-applied or applied-but-unrecorded; every
 * run holds an advisory lock, so concurrent deploys apply each step once.
 */
export function createUmzugRunner(options: UmzugRunnerOptions) {
  const { sequelize, table } = options;
  const quotedTable = `"${table.replace(/"/g, '""')}"`;

  const contextFor = (transaction: Transaction | undefined): MigrationContext => ({
    sequelize,
    transaction,
    query: <T extends object>(sql: string, replacements?: Record<string, unknown> | unknown[]) =>
      sequelize.query<T>(sql, { transaction, replacements, type: QueryTypes.SELECT, raw: true }),
    log: (message) =>
      options.onEvent
        ? options.onEvent({ event: 'note', name: message })
        : options.logger.info(message),
    params: options.params ?? {},
  });

  async function ensureTable(transaction?: Transaction): Promise<void> {
    await sequelize.query(
      `CREATE TABLE IF NOT EXISTS ${quotedTable} (name varchar(255) PRIMARY KEY, executed_at timestamptz NOT NULL DEFAULT now())`,
      { transaction },
    );
  }

  const record = async (name: string, transaction?: Transaction) => {
    await ensureTable(transaction);
    await sequelize.query(
      `INSERT INTO ${quotedTable} (name) VALUES (:name) ON CONFLICT DO NOTHING`,
      {
        replacements: { name },
        transaction,
      },
    );
  };
  const unrecord = async (name: string, transaction?: Transaction) => {
    await ensureTable(transaction);
    await sequelize.query(`DELETE FROM ${quotedTable} WHERE name = :name`, {
      replacements: { name },
      transaction,
    });
  };

  const storage: UmzugStorage<MigrationContext> = {
    logMigration: ({ name }) => record(name),
    unlogMigration: ({ name }) => unrecord(name),
    async executed() {
      const [exists] = await sequelize.query<{ oid: string | null }>(
        'SELECT to_regclass(:table)::text AS oid',
        { replacements: { table: quotedTable }, type: QueryTypes.SELECT },
      );
      if (!exists?.oid) return [];
      const rows = await sequelize.query<{ name: string }>(
        `SELECT name FROM ${quotedTable} ORDER BY name`,
        {
          type: QueryTypes.SELECT,
        },
      );
      return rows.map((row) => row.name);
    },
  };

  /** The file of a step by name (source `.ts` or compiled `.js`). */
  function fileOf(name: string): string {
    const file = ['.ts', '.js']
      .map((ext) => path.join(options.folder, `${name}${ext}`))
      .find((candidate) => existsSync(candidate));
    if (!file) throw new Error(`no step named ${name} in ${options.folder}`);
    return file;
  }

  async function runStep(file: string, direction: 'up' | 'down'): Promise<void> {
    const name = migrationName(file);
    const mod = (await import(pathToFileURL(file).href)) as MigrationModule;
    const step = direction === 'up' ? mod.up : mod.down;
    if (typeof step !== 'function') throw new Error(`${name} has no ${direction}()`);
    if (mod.transactional === false) {
      await step({ name, path: file, context: contextFor(undefined) });
      return;
    }
    await sequelize.transaction(async (transaction) => {
      await step({ name, path: file, context: contextFor(transaction) });
      if (direction === 'up') await record(name, transaction);
      else await unrecord(name, transaction);
    });
  }

  const umzug = new Umzug<MigrationContext>({
    migrations: {
      glob: ['*.{ts,js}', { cwd: options.folder, ignore: ['*.d.ts'] }],
      resolve: ({ path: file }) => {
        if (!file) throw new Error('migrations must be files');
        return {
          name: migrationName(file),
          path: file,
          up: () => runStep(file, 'up'),
          down: () => runStep(file, 'down'),
        };
      },
    },
    context: () => contextFor(undefined),
    storage,
    logger: {
      info: (msg) => (options.onEvent ? options.onEvent(msg) : options.logger.info(msg, 'umzug')),
      warn: (msg) => options.logger.warn(msg, 'umzug'),
      error: (msg) => options.logger.error(msg, 'umzug'),
      debug: (msg) => options.logger.debug(msg, 'umzug'),
    },
    create: {
      folder: options.folder,
      template: (filepath) => [[filepath.replace(/\.js$/, '.ts'), TEMPLATE]],
    },
  });

  const locked = <T>(work: () => Promise<T>) =>
    withAdvisoryLock(options.databaseUrl, options.lockKey, work);

  return {
    umzug,
    withLock: locked,
    up: (opts?: { to?: string }) => locked(() => umzug.up(opts)),
    down: (opts: { to?: string | 0; step?: number } = {}) =>
      locked(() => {
        if (opts.to !== undefined) return umzug.down({ to: opts.to });
        return opts.step !== undefined ? umzug.down({ step: opts.step }) : umzug.down();
      }),
    pending: () => umzug.pending(),
    executed: () => umzug.executed(),
    /**
     * Runs one non-transactional step without recording it: a seeder meant to run again and
     * again with other parameters (the snapshot seeder, once per label), so its applied/pending
     * status never flips with the last run.
     */
    runUnrecorded: (name: string, direction: 'up' | 'down') =>
      locked(() => runStep(fileOf(name), direction)),
    /** A new step file from the template, named `<timestamp>.<name>.ts`. */
    create: (name: string) => umzug.create({ name: `${name}.ts`, folder: options.folder }),
  };
}

const TEMPLATE = `import type { Migration } from '../src/db/umzug-runner.js';

export const up: Migration = async ({ context: { query } }) => {
  await query(\`SELECT 1\`);
};

export const down: Migration = async ({ context: { query } }) => {
  await query(\`SELECT 1\`);
};
`;
