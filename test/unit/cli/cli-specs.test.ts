/**
 * Every command follows one convention. Each tool's description is read the
 * same way: help for the tool and for each verb, unknown words refused naming the nearest one.
 */
import { expect } from 'chai';
import { ROLLOUT_CLI } from '../../../proxy/cli/rollout-cli.js';
import { MIGRATE_CLI } from '../../../src/cli/migrate-command.js';
import { CUTOVER_CLI, ROLLBACK_CLI } from '../../../src/cli/ops-cli.js';
import { SEED_CLI } from '../../../src/cli/seed-command.js';
import { SNAPSHOT_CLI } from '../../../src/cli/snapshot-command.js';
import { USERS_CLI } from '../../../src/cli/users-cli.js';
import { UsageError } from '../../../src/lib/cli/cli-error.js';
import type { CliSpec } from '../../../src/lib/cli/command-spec.js';
import { parseCommandLine } from '../../../src/lib/cli/parse-command-line.js';

const TOOLS: Record<string, CliSpec> = {
  migrate: MIGRATE_CLI,
  seed: SEED_CLI,
  users: USERS_CLI,
  snapshot: SNAPSHOT_CLI,
  cutover: CUTOVER_CLI,
  rollback: ROLLBACK_CLI,
  rollout: ROLLOUT_CLI,
};

const refusal = (spec: CliSpec, argv: string[]) => {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return undefined;
};

describe('every CLI follows the convention', () => {
  for (const [name, spec] of Object.entries(TOOLS)) {
    it(`when "${name} --help" and "${name} help VERB" are asked, then each answers with its usage`, () => {
      const help = parseCommandLine(spec, ['--help']);
      expect(help.kind === 'help' && help.text).to.match(new RegExp(`^usage: npm run ${name} --`));
      for (const verb of Object.keys(spec.verbs ?? {})) {
        if (help.kind === 'help') expect(help.text, verb).to.contain(`  ${verb}`);
        const one = parseCommandLine(spec, ['help', verb]);
        expect(one.kind === 'help' && one.text, verb).to.match(
          new RegExp(`^usage: npm run ${name} -- ${verb}`),
        );
      }
    });

    it(`when "${name}" gets an unknown flag, then it is refused naming the nearest valid one`, () => {
      const verb = Object.keys(spec.verbs ?? {})[0];
      const argv = [...(verb ? [verb] : []), '--hepl'];
      expect(refusal(spec, argv)).to.match(/^unknown option --hepl.*: did you mean --help\?$/);
    });
  }

  it('when users is asked for help, then dedupe and reconcile are listed with their rules', () => {
    const help = parseCommandLine(USERS_CLI, ['help', 'dedupe']);
    expect(help.kind === 'help' && help.text)
      .to.match(/the oldest/)
      .and.match(/never a signal/);
    const reconcile = parseCommandLine(USERS_CLI, ['help', 'reconcile']);
    expect(reconcile.kind === 'help' && reconcile.text).to.match(
      /inactive if either side is inactive/,
    );
  });

  it('when a verb is misspelt, then the nearest verb is named', () => {
    expect(refusal(SNAPSHOT_CLI, ['restor', 'x'])).to.match(/did you mean restore\?/);
    expect(refusal(USERS_CLI, ['frob'])).to.match(
      /^unknown command "frob": valid commands: create, promote/,
    );
    expect(refusal(ROLLOUT_CLI, ['stauts'])).to.match(/did you mean status\?/);
    expect(refusal(MIGRATE_CLI, ['upp'])).to.match(/did you mean up\?/);
    expect(refusal(CUTOVER_CLI, ['execute'])).to.match(
      /unexpected argument "execute": did you mean --execute\?/,
    );
  });
});
