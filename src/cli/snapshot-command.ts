import { UsageError } from '../lib/cli/cli-error.js';
import type { CliSpec } from '../lib/cli/command-spec.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import type { RunnableCommandLine } from '../lib/cli/run-cli.js';
import { capturedTables, formatSize, type Manifest } from '../snapshot/snapshot-manifest.js';
import type { SnapshotService } from '../snapshot/snapshot-service.js';
import { defaultSnapshotLabel } from '../snapshot/snapshot-seeder.js';

const LABEL = [{ name: 'LABEL' }] as const;

/** `npm run snapshot`: the reversible snapshot of the user tables (docs/design/design.md invariant 5). */
export const SNAPSHOT_CLI: CliSpec = {
  command: 'npm run snapshot --',
  summary:
    'snapshots of users, fu_users, fu_access_tokens and oauth_accounts inside the database (docs/runbook.md)',
  details: [
    'Automatic snapshots (cutover, dedupe, reconcile) are pruned to the newest SNAPSHOT_KEEP_AUTOMATIC (default 5) when a new one is taken; manual ones only by prune --include-manual.',
  ],
  verbs: {
    create: {
      summary:
        'take a manual snapshot (a repeat with the same label is refused: labels are unique)',
      options: {
        label: { type: 'string', value: 'L', description: 'its label (default snap-<time>)' },
      },
    },
    list: { summary: 'every snapshot: label, origin, time taken, size, row counts, last restore' },
    verify: {
      summary: 'check a snapshot against its manifest (exit 6 on a difference)',
      args: LABEL,
    },
    restore: {
      summary:
        'restore both engines to the snapshot, consistently; accounts and password changes made since are kept',
      args: LABEL,
      details: ['Repeated: restores the same state again (harmless).'],
    },
    drop: { summary: 'drop one snapshot', args: LABEL },
    prune: {
      summary: 'drop all but the N newest automatic snapshots (a repeat drops nothing more)',
      options: {
        keep: { type: 'string', value: 'N', description: 'how many to keep (required)' },
        'include-manual': { type: 'boolean', description: 'prune manual snapshots too' },
      },
    },
  },
};

export interface SnapshotCommandDeps {
  snapshots: SnapshotService;
  /** Runs the snapshot seeder (`up`: capture, `down`: restore) for a label. */
  seed(label: string, direction: 'up' | 'down'): Promise<void>;
  print(line: string): void;
  now(): Date;
}

function keepCount(value: string | boolean | undefined): number {
  const n = Number(value);
  if (value === undefined || typeof value === 'boolean' || !Number.isInteger(n) || n < 0)
    throw new UsageError(
      `prune needs --keep N, a whole number of 0 or more${value === undefined ? '' : `, got "${String(value)}"`}`,
    );
  return n;
}

function describe(m: Manifest & { sizeBytes: number }): string {
  // In capture order (JSONB keeps its keys ordered by length).
  const tables = capturedTables(m)
    .map(({ table, figures }) => `${table.name}=${figures.rows}`)
    .join(' ');
  const restored = m.restoredAt ? `  restored ${m.restoredAt.toISOString()}` : '';
  return `${m.label}  ${m.origin}  taken ${m.takenAt.toISOString()}  ${formatSize(m.sizeBytes)}  ${tables}${restored}`;
}

export async function runSnapshotCommand(
  deps: SnapshotCommandDeps,
  { verb, args, options }: RunnableCommandLine,
): Promise<ExitCode> {
  const started = Date.now();
  const took = () => `${((Date.now() - started) / 1000).toFixed(2)}s`;
  const label = typeof args.LABEL === 'string' ? args.LABEL : undefined;
  switch (verb) {
    case 'create': {
      const l =
        typeof options.label === 'string' ? options.label : defaultSnapshotLabel(deps.now());
      await deps.seed(l, 'up');
      deps.print(`snapshot ${l} created in ${took()}`);
      return EXIT.ok;
    }
    case 'list': {
      const all = await deps.snapshots.list();
      all.forEach((m) => deps.print(describe(m)));
      if (all.length === 0) deps.print('no snapshots');
      return EXIT.ok;
    }
    case 'verify': {
      const problems = await deps.snapshots.verify(label!);
      problems.forEach((p) => deps.print(`MISMATCH ${p}`));
      if (problems.length > 0) return EXIT.mismatch;
      deps.print(`snapshot ${label} matches its manifest (${took()})`);
      return EXIT.ok;
    }
    case 'restore':
      await deps.snapshots.read(label!); // SNAPSHOT_NOT_FOUND in plain words, before any work
      await deps.seed(label!, 'down');
      deps.print(`snapshot ${label} restored in ${took()}`);
      return EXIT.ok;
    case 'drop':
      await deps.snapshots.drop(label!);
      deps.print(`snapshot ${label} dropped`);
      return EXIT.ok;
    default: {
      const dropped = await deps.snapshots.prune({
        keep: keepCount(options.keep),
        includeManual: options['include-manual'] === true,
      });
      deps.print(
        dropped.length
          ? `dropped ${dropped.length} snapshot(s): ${dropped.join(', ')}`
          : 'nothing to prune',
      );
      return EXIT.ok;
    }
  }
}
