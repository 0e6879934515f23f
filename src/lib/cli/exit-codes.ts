/**
 * The exit codes of every command-line tool (migrate, seed, users, snapshot, cutover, rollback,
 * rollout, and npm start), as data: one number means one thing everywhere, and docs/errors.md,
 * docs/cutover.md and docs/runbook.md print this table (test/unit/lib/cli/exit-codes-docs.test.ts
 * keeps them identical).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  busy: 3,
  interrupted: 4,
  blocked: 5,
  mismatch: 6,
  wrongStack: 7,
} as const;

export type ExitName = keyof typeof EXIT;
export type ExitCode = (typeof EXIT)[ExitName];

export const EXIT_MEANINGS: Record<ExitName, string> = {
  ok: 'done, or nothing to do (already in the state asked for)',
  failed: 'the command failed; the message says why and what was rolled back (a re-run resumes)',
  usage: 'unknown command or option, or a missing or invalid argument; nothing was done',
  busy: 'something else holds what the command needs (another cutover or rollback, another npm start, a port, the embedded database); nothing was done',
  interrupted:
    'the database is unreachable; nothing was rolled back: re-run once it is back (it resumes)',
  blocked:
    'refused until an operator decides: preflight blockers, an ambiguous duplicate group, a rollback to finish first',
  mismatch: 'a check found a difference (snapshot verify, rollout explain against SQL)',
  wrongStack:
    'the smoke-test target is not served from this database (or cannot prove it); nothing was done',
};

/** The table as Markdown rows (`| 0 | ok | … |`), as the docs print it. */
export function exitCodeTableMarkdown(): string[] {
  return [
    '| exit code | name | meaning |',
    '|---|---|---|',
    ...(Object.keys(EXIT) as ExitName[]).map(
      (name) => `| ${EXIT[name]} | ${name} | ${EXIT_MEANINGS[name]} |`,
    ),
  ];
}
