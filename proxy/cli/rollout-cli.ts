import type { CliSpec, OptionSpec } from '../../src/lib/cli/command-spec.js';

const json: OptionSpec = { type: 'boolean', description: 'print JSON' };
const audited: Record<string, OptionSpec> = {
  reason: { type: 'string', value: 'TEXT', description: 'why (kept in the audit log)' },
  actor: { type: 'string', value: 'NAME', description: 'who (default cli:<user>)' },
  json,
};
const EMAIL = [{ name: 'EMAIL' }] as const;

/**
 * `npm run rollout`: the ops CLI over the control plane. Changes go through the same repository
 * call (and the same audit triggers) as the admin API; a change that changes nothing says
 * "unchanged" and writes nothing, so every verb can be repeated.
 */
export const ROLLOUT_CLI: CliSpec = {
  command: 'npm run rollout --',
  summary: 'the rollout policy every proxy follows (kill → deny → allow → domain → percentage)',
  defaultVerb: 'status',
  verbs: {
    status: { summary: 'the live policy (the default)', options: { json } },
    set: {
      summary: 'the percentage of users on the new engine, 0–100, two decimals at most',
      args: [{ name: 'PERCENT', optional: true }],
      options: {
        percent: { type: 'string', value: 'N', description: 'the same as PERCENT' },
        ...audited,
      },
    },
    allow: { summary: 'add to the allow-list (always new)', args: EMAIL, options: audited },
    unallow: { summary: 'remove from the allow-list', args: EMAIL, options: audited },
    deny: { summary: 'add to the deny-list (always legacy)', args: EMAIL, options: audited },
    undeny: { summary: 'remove from the deny-list', args: EMAIL, options: audited },
    domain: {
      summary: 'e-mail domain cohorts (everyone at DOMAIN on new)',
      args: [{ name: 'ACTION', choices: ['add', 'remove'] }, { name: 'DOMAIN' }],
      options: audited,
    },
    kill: { summary: 'kill switch on: everyone, sessions included, to legacy', options: audited },
    unkill: { summary: 'kill switch off', options: audited },
    gate: {
      summary: 'gate_fu_auth: /fu_auth only for users the policy sends to new',
      args: [{ name: 'STATE', choices: ['on', 'off'] }],
      options: audited,
    },
    salt: {
      summary: 'a new salt: reshuffles every user’s bucket',
      args: [{ name: 'ACTION', choices: ['rotate'] }],
      options: audited,
    },
    history: {
      summary: 'the audit log, newest first',
      options: {
        limit: { type: 'string', value: 'N', description: 'entries (default 20)' },
        offset: { type: 'string', value: 'N', description: 'skip (default 0)' },
        json,
      },
    },
    explain: {
      summary:
        'the arm and deciding rule for each e-mail, checked against the SQL function (exit 6 if they differ)',
      args: [{ name: 'EMAIL', variadic: true }],
      options: { json },
    },
    'sign-override': {
      summary: 'the two headers that pin a request to an arm (QA)',
      args: [{ name: 'ARM', choices: ['legacy', 'new'] }],
      options: {
        ttl: { type: 'string', value: 'S', description: 'seconds valid, 1–86400 (default 3600)' },
      },
    },
  },
};
