import { expect } from 'chai';
import { UsageError } from '../../../../src/lib/cli/cli-error.js';
import type { CliSpec } from '../../../../src/lib/cli/command-spec.js';
import { nearest } from '../../../../src/lib/cli/nearest.js';
import { parseCommandLine } from '../../../../src/lib/cli/parse-command-line.js';
import { runCommandLine } from '../../../../src/lib/cli/run-cli.js';
import { EXIT } from '../../../../src/lib/cli/exit-codes.js';

const SPEC: CliSpec = {
  command: 'npm run tool --',
  summary: 'a tool for the tests',
  verbs: {
    kill: {
      summary: 'stop it',
      options: { reason: { type: 'string', value: 'TEXT', description: 'why' } },
    },
    set: {
      summary: 'set it',
      args: [{ name: 'PERCENT' }],
      options: { percent: { type: 'string', value: 'N', description: 'the same' } },
    },
    domain: {
      summary: 'cohorts',
      args: [{ name: 'ACTION', choices: ['add', 'remove'] }, { name: 'DOMAIN' }],
    },
    explain: {
      summary: 'why',
      args: [{ name: 'EMAIL', variadic: true }],
      options: { json: { type: 'boolean', description: 'JSON' } },
    },
  },
};

const usage = (argv: string[]) => {
  try {
    parseCommandLine(SPEC, argv);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('command line convention (src/lib/cli)', () => {
  it('when --help, -h, help or help VERB is given, then the help is returned with exit 0', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['kill', '--help'], ['help', 'kill']]) {
      const parsed = parseCommandLine(SPEC, argv);
      expect(parsed.kind, argv.join(' ')).to.equal('help');
      if (parsed.kind === 'help') {
        expect(parsed.exitCode).to.equal(EXIT.ok);
        expect(parsed.text).to.match(/^usage: npm run tool --/);
      }
    }
    const verbHelp = parseCommandLine(SPEC, ['help', 'kill']);
    expect(verbHelp.kind === 'help' && verbHelp.text).to.contain('--reason TEXT');
  });

  it('when no verb is given and there is no default, then the help is printed as a usage error', () => {
    const parsed = parseCommandLine(SPEC, []);
    expect(parsed.kind === 'help' && parsed.exitCode).to.equal(EXIT.usage);
  });

  it('when a verb or option is unknown, then one line names the nearest valid one', () => {
    expect(usage(['kil'])).to.equal(
      'unknown command "kil": did you mean kill? (npm run tool -- --help)',
    );
    expect(usage(['kill', '--reson', 'typo'])).to.equal(
      'unknown option --reson for kill: did you mean --reason?',
    );
    expect(usage(['set', '--percentage', '50'])).to.match(
      /unknown option --percentage for set: did you mean --percent\?/,
    );
    expect(usage(['frobnicate'])).to.match(
      /unknown command "frobnicate": valid commands: kill, set, domain, explain/,
    );
    expect(usage(['help', 'kil'])).to.match(/did you mean kill\?/);
    for (const argv of [['kil'], ['kill', '--reson', 'x'], ['frobnicate']])
      expect(usage(argv)).to.not.contain('\n');
  });

  it('when an argument is missing, not one of its words, or in excess, then it says so plainly', () => {
    expect(usage(['set'])).to.match(/^set needs PERCENT/);
    expect(usage(['domain', 'rename', 'x.test'])).to.equal(
      'domain rename: valid words here: add, remove',
    );
    expect(usage(['domain', 'ad', 'x.test'])).to.equal('domain ad: did you mean add?');
    expect(usage(['explain'])).to.match(/^explain needs EMAIL/);
    expect(usage(['kill', 'now'])).to.match(/^unexpected argument "now" for kill/);
    expect(usage(['kill', '--reason'])).to.match(/option --reason needs a value/);
    expect(usage(['explain', 'a@b.c', '--json=yes'])).to.match(/option --json takes no value/);
    expect(usage(['kill', '--reason', 'a', '--reason', 'b'])).to.match(/given twice/);
    expect(usage(['kill', '--reason', '-x'])).to.equal(
      '--reason: a value starting with "-" must be written --reason=VALUE',
    );
  });

  it('when the command line is right, then verb, arguments and options come back typed', () => {
    expect(parseCommandLine(SPEC, ['domain', 'add', 'corp.test'])).to.deep.equal({
      kind: 'run',
      verb: 'domain',
      args: { ACTION: 'add', DOMAIN: 'corp.test' },
      options: {},
    });
    expect(parseCommandLine(SPEC, ['explain', 'a@x.test', 'b@x.test', '--json'])).to.deep.include({
      args: { EMAIL: ['a@x.test', 'b@x.test'] },
      options: { json: true },
    });
  });

  it('when a command fails, then one line and its exit code are printed, and the stack only with --debug or LOG_LEVEL=debug', async () => {
    const run = async (argv: string[], env: Record<string, string>) => {
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      const code = await runCommandLine(
        SPEC,
        argv,
        async () => {
          throw new Error('boom');
        },
        io,
        env,
      );
      return { code, text: lines.join('\n') };
    };
    const plain = await run(['kill'], {});
    expect(plain).to.deep.equal({ code: EXIT.failed, text: 'error: boom' });
    expect((await run(['kill', '--debug'], {})).text).to.match(/error: boom\nError: boom\n\s+at /);
    expect((await run(['kill'], { LOG_LEVEL: 'debug' })).text).to.match(/\n\s+at /);
    expect(await run(['kil'], {})).to.deep.include({ code: EXIT.usage });
  });

  it('when a word is mistyped, then nearest finds it, and nothing far away', () => {
    expect(nearest('--reson', ['--reason', '--actor'])).to.equal('--reason');
    expect(nearest('restor', ['restore', 'drop'])).to.equal('restore');
    expect(nearest('frob', ['create', 'promote', 'list'])).to.equal(undefined);
  });
});
