import { DEMO_SEEDER, runDemoSeeder } from '../demo/run-demo-seeder.js';
import type { UmzugRunner } from '../db/umzug-runner.js';
import type { CliSpec } from '../lib/cli/command-spec.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import type { RunnableCommandLine } from '../lib/cli/run-cli.js';
import { SNAPSHOT_SEEDER } from '../snapshot/snapshot-seeder.js';

/** `npm run seed`: the demo data, and the status of every seeder. */
export const SEED_CLI: CliSpec = {
  command: 'npm run seed --',
  summary: 'demo data (seeders/), under the seeders lock',
  defaultVerb: 'status',
  verbs: {
    status: {
      summary:
        'which seeders are applied or pending (the snapshot seeder runs per label: npm run snapshot)',
    },
    demo: {
      summary:
        'add the demo users (idempotent: a re-run keeps existing rows; --count can grow the set)',
      options: {
        count: {
          type: 'string',
          value: 'N',
          description: 'how many demo-user-N rows (default 1000)',
        },
      },
    },
    undo: {
      summary: 'remove what a seeder added',
      args: [{ name: 'SEEDER', choices: ['demo'] }],
    },
  },
};

/** The seeder runner needs `--count` as a parameter, so the entry reads it before building one. */
export function seedParams(command: RunnableCommandLine): Record<string, string> | undefined {
  return typeof command.options.count === 'string' ? { count: command.options.count } : undefined;
}

export async function runSeedCommand(
  seeder: UmzugRunner,
  { verb }: RunnableCommandLine,
  print: (line: string) => void,
  countSnapshots: () => Promise<number>,
): Promise<ExitCode> {
  if (verb === 'demo') {
    const started = Date.now();
    await runDemoSeeder(seeder);
    print(`demo seed done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return EXIT.ok;
  }
  if (verb === 'undo') {
    const applied = (await seeder.executed()).some((m) => m.name === DEMO_SEEDER);
    if (!applied) {
      print('the demo seeder is not applied: nothing to undo');
      return EXIT.ok;
    }
    await seeder.withLock(() => seeder.umzug.down({ migrations: [DEMO_SEEDER] }));
    print('demo users removed');
    return EXIT.ok;
  }
  const [executed, pending] = await Promise.all([seeder.executed(), seeder.pending()]);
  const listed = (name: string) => name !== SNAPSHOT_SEEDER;
  for (const s of executed.filter((m) => listed(m.name))) print(`applied    ${s.name}`);
  for (const s of pending.filter((m) => listed(m.name))) print(`pending    ${s.name}`);
  print(`per label  ${SNAPSHOT_SEEDER} (npm run snapshot: ${await countSnapshots()} snapshot(s))`);
  return EXIT.ok;
}
