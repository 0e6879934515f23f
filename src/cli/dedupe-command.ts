import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyDedupe, planDedupe, type DedupeLoser, type DedupePlan } from '../cutover/dedupe.js';
import { notifyLosers } from '../cutover/dedupe-notice.js';
import { describeGroup } from '../cutover/duplicate-groups.js';
import type { AppDeps } from '../deps.js';
import { createMailer } from '../fu-auth/mail/mailer.js';
import { UsageError } from '../lib/cli/cli-error.js';
import { EXIT, type ExitCode } from '../lib/cli/exit-codes.js';
import type { OptionValues } from '../lib/cli/parse-command-line.js';
import { cliWarn, takeAutomaticSnapshot } from './automatic-snapshot.js';
import { DEDUPE_RULE } from './users-cli.js';

/**
 * `npm run users -- dedupe [--apply] [--keep ID,…] [--report FILE]` (rule: users-cli.ts
 * DEDUPE_RULE). Without --apply, prints the plan. With it, and something to do: a snapshot, the
 * changes (one transaction), an e-mail to every account that lost its address, and the JSON
 * report. Exit 0, or 5 while an ambiguous group waits for an operator's --keep.
 */
function keepIds(value: string | boolean | undefined): number[] {
  if (value === undefined) return [];
  const ids = String(value)
    .split(',')
    .map((s) => Number(s.trim()));
  if (typeof value !== 'string' || ids.some((id) => !Number.isInteger(id) || id < 1))
    throw new UsageError(
      `--keep takes account ids separated by commas (e.g. --keep 12,57), got "${String(value)}"`,
    );
  return ids;
}

const showLoser = (l: DedupeLoser) =>
  `  id=${l.id} ${l.oldEmail} -> ${l.newEmail} (deactivated; ${l.keeperEmail} id=${l.keeperId} keeps the address: ${l.rule === 'operator' ? "operator's choice" : l.rule})`;

function printPlan(plan: DedupePlan, print: (line: string) => void): void {
  plan.groups.forEach((g) => print(`  group ${describeGroup(g)}`));
  plan.losers.forEach((l) => print(showLoser(l)));
}

function blockedByAmbiguity(plan: DedupePlan, print: (line: string) => void): ExitCode {
  if (plan.ambiguous.length === 0) return EXIT.ok;
  print(
    `${plan.ambiguous.length} ambiguous group(s) left alone: name each keeper with --keep ID (a confirmed account of the group)`,
  );
  return EXIT.blocked;
}

export async function runDedupeCommand(
  deps: AppDeps,
  options: OptionValues,
  print: (line: string) => void,
): Promise<ExitCode> {
  const keep = keepIds(options.keep);
  const plan = await planDedupe(deps.sequelize, { keep });
  if (options.apply !== true || plan.losers.length === 0) {
    print(`dedupe plan: ${plan.losers.length} account(s) would be renamed and deactivated`);
    printPlan(plan, print);
    if (plan.losers.length > 0)
      print('run again with --apply to apply it (a snapshot is taken first)');
    else if (options.apply === true)
      print('nothing to deduplicate: no snapshot taken, nothing changed');
    return blockedByAmbiguity(plan, print);
  }
  const snapshot = await takeAutomaticSnapshot(deps, 'dedupe', print);
  const now = deps.clock.now();
  const applied = await applyDedupe(deps.sequelize, now, { keep });
  const notified = await notifyLosers(
    createMailer(deps.config.mail),
    applied.losers,
    cliWarn(deps, print),
  );
  const file =
    typeof options.report === 'string'
      ? options.report
      : path.join(deps.config.database.embedded.dataDir, 'reports', `dedupe-${snapshot}.json`);
  const report = {
    snapshot,
    at: now.toISOString(),
    rule: DEDUPE_RULE.join(' '),
    accounts: applied.losers.map((l) => ({ ...l, notified: notified.get(l.id) === true })),
    ambiguous: applied.ambiguous.map((g) => ({ address: g.address, members: g.members })),
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  print(`deduplicated ${applied.losers.length} account(s); report for support: ${file}`);
  applied.losers.forEach((l) =>
    print(`${showLoser(l)}${notified.get(l.id) ? '; notified by e-mail' : '; NOT notified'}`),
  );
  return blockedByAmbiguity(applied, print);
}
