import type { CliSpec } from '../lib/cli/command-spec.js';

const EMAIL = [{ name: 'EMAIL' }] as const;

/** The dedupe rule, as `help dedupe` and docs/runbook.md state it. */
export const DEDUPE_RULE = [
  'Groups: legacy accounts whose addresses are the same canonical address (case, Unicode, IDN domain).',
  'Keeper: the one account with a confirmed e-mail; with none confirmed, the oldest (created_at, then id).',
  'Recency (last login, last update) is never a signal. Two or more confirmed: ambiguous, left alone',
  '(and blocking the cutover) until an operator names the keeper with --keep ID.',
  'Every other account gets local+dedupe-<id>@domain, is deactivated on both engines, is notified by',
  'e-mail at its old address and is listed in the JSON report. A snapshot (origin dedupe) is taken first.',
  'Repeated: with nothing left to deduplicate it says so and takes no snapshot.',
];

/** The reconcile rule, as `help reconcile` and docs/runbook.md state it. */
export const RECONCILE_RULE = [
  'Twins: a legacy users row and its fu_users row. Once reconciled both hold:',
  '  e-mail: the fu_users address (unless another account holds it: then left for an operator);',
  '  active: inactive if either side is inactive;',
  '  superuser / role admin: only if both sides say so (nothing is ever granted);',
  '  verified: confirmed if fu_users confirmed it, or both hold the same address and either confirmed it;',
  '  password: the users hash is copied to fu_users (the new engine only ever holds a copy of a legacy hash).',
  'A snapshot (origin reconcile) is taken first. Repeated: with nothing to reconcile it says so.',
];

/** `npm run users`: user administration on both engines. */
export const USERS_CLI: CliSpec = {
  command: 'npm run users --',
  summary: 'user administration (against DATABASE_URL, or the embedded PostgreSQL)',
  verbs: {
    create: {
      summary:
        'create an account on the new engine (and its legacy twin); the password policy applies',
      args: EMAIL,
      options: {
        password: { type: 'string', value: 'P', description: 'its password (required)' },
        superuser: { type: 'boolean', description: 'make it a superuser' },
        verified: { type: 'boolean', description: 'mark its e-mail confirmed' },
      },
    },
    promote: {
      summary:
        'make a superuser (a legacy-only account is imported first); a repeat changes nothing',
      args: EMAIL,
      options: { verified: { type: 'boolean', description: 'also mark its e-mail confirmed' } },
    },
    deactivate: { summary: 'deactivate on both engines; a repeat changes nothing', args: EMAIL },
    list: {
      summary:
        'accounts: phase 1 shows users and fu_users side by side, phase 2 the consolidated users table',
      options: {
        limit: { type: 'string', value: 'N', description: 'how many (default 100)' },
        offset: { type: 'string', value: 'N', description: 'how many to skip (default 0)' },
      },
    },
    dedupe: {
      summary: 'resolve addresses held by several accounts: prints the plan; --apply applies it',
      options: {
        apply: { type: 'boolean', description: 'apply the plan (after a snapshot)' },
        keep: {
          type: 'string',
          value: 'ID[,ID…]',
          description: 'keepers an operator chose for ambiguous groups',
        },
        report: { type: 'string', value: 'FILE', description: 'where the JSON report goes' },
      },
      details: DEDUPE_RULE,
    },
    reconcile: {
      summary: 'make twins (users and fu_users rows) agree: prints the plan; --apply applies it',
      options: { apply: { type: 'boolean', description: 'apply the plan (after a snapshot)' } },
      details: RECONCILE_RULE,
    },
  },
};
