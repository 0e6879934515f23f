import type { AppDeps } from '../deps.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import type { OptionValues } from '../lib/cli/parse-command-line.js';
import { applyReconcile, planReconcile, type ReconcileEntry } from '../twins/reconcile-twins.js';
import { describeDrift, twinsExist } from '../twins/twin-drift.js';
import { takeAutomaticSnapshot } from './automatic-snapshot.js';

/**
 * `npm run users -- reconcile [--apply]` (rule: users-cli.ts RECONCILE_RULE): prints every twin
 * pair that disagrees and what the rule makes of it; --apply takes a snapshot and applies it in
 * one transaction. Exit 0, or 5 while a pair waits for an operator (its address is taken).
 */
function show(entry: ReconcileEntry): string {
  const outcome = entry.conflict
    ? `LEFT FOR AN OPERATOR: ${entry.conflict}`
    : entry.changes.join(', ');
  return `  ${describeDrift(entry.twin)}\n    → ${outcome}`;
}

export async function runReconcileCommand(
  deps: AppDeps,
  options: OptionValues,
  print: (line: string) => void,
): Promise<ExitCode> {
  if (!(await twinsExist(deps.sequelize))) {
    print('consolidated (phase 2): one users table, no twins to reconcile');
    return EXIT.ok;
  }
  const plan = await planReconcile(deps.sequelize);
  const conflicts = () => plan.filter((e) => e.conflict).length;
  if (plan.length === 0) {
    print('every twin pair agrees: nothing to reconcile');
    return EXIT.ok;
  }
  if (options.apply !== true || conflicts() === plan.length) {
    print(`reconcile plan: ${plan.length} twin pair(s) disagree`);
    plan.forEach((e) => print(show(e)));
    if (options.apply !== true)
      print('run again with --apply to apply it (a snapshot is taken first)');
    return conflicts() > 0 ? EXIT.blocked : EXIT.ok;
  }
  await takeAutomaticSnapshot(deps, 'reconcile', print);
  const applied = await applyReconcile(deps.sequelize, deps.clock.now());
  print(`reconciled ${applied.filter((e) => !e.conflict).length} twin pair(s)`);
  applied.forEach((e) => print(show(e)));
  return applied.some((e) => e.conflict) ? EXIT.blocked : EXIT.ok;
}
