import type { UmzugRunner } from '../db/umzug-runner.js';
import { UsageError } from '../lib/cli/cli-error.js';
import type { CliSpec } from '../lib/cli/command-spec.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import type { RunnableCommandLine } from '../lib/cli/run-cli.js';

/** `npm run migrate`: the schema migrations of migrations/ (umzug, under the migration lock). */
export const MIGRATE_CLI: CliSpec = {
  command: 'npm run migrate --',
  summary: 'schema migrations (migrations/), under the migration lock',
  defaultVerb: 'status',
  verbs: {
    status: { summary: 'applied and pending migrations (the default)' },
    up: {
      summary: 'apply pending migrations (all, or up to --to); with none pending it says so',
      options: { to: { type: 'string', value: 'NAME', description: 'stop after this migration' } },
    },
    down: {
      summary: 'revert the last migration, or --step N of them, or down to --to NAME',
      options: {
        to: {
          type: 'string',
          value: 'NAME',
          description: 'revert down to this migration (0: all)',
        },
        step: { type: 'string', value: 'N', description: 'how many to revert' },
      },
    },
    pending: { summary: 'pending migrations only' },
    executed: { summary: 'applied migrations only' },
    create: { summary: 'a new migration file from the template', args: [{ name: 'NAME' }] },
  },
};

function stepCount(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--step must be a whole number of 1 or more, got "${String(value)}"`);
  return n;
}

export async function runMigrateCommand(
  migrator: UmzugRunner,
  { verb, args, options }: RunnableCommandLine,
  print: (line: string) => void,
): Promise<ExitCode> {
  const to = typeof options.to === 'string' ? options.to : undefined;
  switch (verb) {
    case 'up': {
      const applied = await migrator.up(to ? { to } : undefined);
      if (applied.length === 0)
        print(`nothing pending: all ${(await migrator.executed()).length} migrations are applied`);
      else print(`applied ${applied.length} migration(s)`);
      return EXIT.ok;
    }
    case 'down': {
      const step = stepCount(options.step);
      const reverted = await migrator.down(
        to !== undefined ? { to: to === '0' ? 0 : to } : step ? { step } : {},
      );
      print(
        reverted.length === 0
          ? 'nothing to revert: no migration is applied'
          : `reverted ${reverted.length} migration(s)`,
      );
      return EXIT.ok;
    }
    case 'create':
      await migrator.create(String(args.NAME).replace(/\.ts$/, ''));
      print(`created a migration named ${String(args.NAME)}`);
      return EXIT.ok;
    default:
      return printStatus(migrator, verb ?? 'status', print);
  }
}

async function printStatus(
  migrator: UmzugRunner,
  verb: string,
  print: (line: string) => void,
): Promise<ExitCode> {
  const [executed, pending] = await Promise.all([migrator.executed(), migrator.pending()]);
  if (verb !== 'pending') for (const m of executed) print(`applied  ${m.name}`);
  if (verb !== 'executed') for (const m of pending) print(`pending  ${m.name}`);
  print(`${executed.length} applied, ${pending.length} pending`);
  return EXIT.ok;
}
