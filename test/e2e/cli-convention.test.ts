/**
 * One CLI convention, with real processes: every command (migrate, seed, users, snapshot,
 * cutover, rollback, rollout) answers --help, refuses unknown words in one line naming the
 * nearest valid one, speaks plainly, and prints no stack trace unless asked to.
 */
import { expect } from 'chai';
import pg from 'pg';
import { startProcess } from '../helpers/processes.js';
import { migratedScratchDatabase } from '../helpers/proxy-stack.js';
import { TEST_ENV } from '../helpers/test-deps.js';

const ENTRIES = {
  migrate: 'src/cli/migrate.ts',
  seed: 'src/cli/seed.ts',
  users: 'src/cli/users.ts',
  snapshot: 'src/cli/snapshot.ts',
  cutover: 'src/cli/cutover.ts',
  rollback: 'src/cli/rollback.ts',
  rollout: 'proxy/cli/rollout.ts',
} as const;
type Tool = keyof typeof ENTRIES;

const STACK = /^\s+at /m;

describe('the command-line convention, as processes', function () {
  this.timeout(180_000);
  let db: { url: string; drop(): Promise<void> };

  const run = async (tool: Tool, args: string[], env: Record<string, string> = {}) => {
    const proc = startProcess(ENTRIES[tool], { ...TEST_ENV, DATABASE_URL: db.url, ...env }, args);
    const code = await proc.exited;
    return { code, output: proc.output().trimEnd() };
  };
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(text)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  before(async () => {
    db = await migratedScratchDatabase();
  });
  after(() => db.drop());

  it('when each command is asked for --help, then it prints its usage and exits 0', async () => {
    for (const tool of Object.keys(ENTRIES) as Tool[]) {
      const { code, output } = await run(tool, ['--help']);
      expect(code, `${tool}: ${output}`).to.equal(0);
      expect(output, tool).to.match(new RegExp(`^usage: npm run ${tool} --`));
    }
    const users = await run('users', ['--help']);
    expect(users.output)
      .to.match(/^ {2}dedupe /m)
      .and.match(/^ {2}reconcile /m);
    expect((await run('rollout', ['help', 'kill'])).output).to.match(
      /^usage: npm run rollout -- kill/,
    );
  });

  it('when each command gets an unknown verb or flag, then it exits 2 with one line naming the nearest valid word', async () => {
    const cases: [Tool, string[], RegExp][] = [
      ['migrate', ['upp'], /did you mean up\?/],
      ['seed', ['stauts'], /did you mean status\?/],
      [
        'users',
        ['frob'],
        /^unknown command "frob": valid commands: create, promote, deactivate, list, dedupe, reconcile/,
      ],
      ['snapshot', ['restor', 'x'], /did you mean restore\?/],
      ['cutover', ['--excute'], /did you mean --execute\?/],
      ['rollback', ['--reson', 'x'], /did you mean --reason\?/],
      [
        'rollout',
        ['kill', '--reson', 'typo'],
        /unknown option --reson for kill: did you mean --reason\?/,
      ],
      ['rollout', ['set', '--percentage', '50'], /did you mean --percent\?/],
    ];
    const version = async () => (await sql('SELECT version FROM rollout_policy'))[0]!.version;
    const before = await version();
    for (const [tool, args, pattern] of cases) {
      const { code, output } = await run(tool, args);
      expect(code, `${tool} ${args.join(' ')}: ${output}`).to.equal(2);
      expect(output.split('\n'), `${tool} ${args.join(' ')}`).to.have.length(1);
      expect(output).to.match(pattern);
    }
    expect(await version(), 'no policy change was applied').to.equal(before);
  });

  it('when rollout gets arguments the policy refuses, then it answers in plain words, never the schema library’s', async () => {
    for (const args of [
      ['explain', 'not-an-email'],
      ['domain', 'rename', 'x.test'],
      ['allow'],
      ['set', 'abc'],
    ]) {
      const { code, output } = await run('rollout', args);
      expect(code, `${args.join(' ')}: ${output}`).to.equal(2);
      expect(output).to.not.match(/Invalid|discriminator|expected string|received/);
    }
    expect((await run('rollout', ['explain', 'not-an-email'])).output).to.equal(
      'explain "not-an-email": must be an e-mail address',
    );
  });

  it('when rollout status runs at 0 %, then it says no bucket is on the new engine', async () => {
    const { code, output } = await run('rollout', ['status']);
    expect(code).to.equal(0);
    expect(output).to.contain('0.00%  (no bucket on new)');
    expect(output).to.not.contain('0–-1');
  });

  it('when users create gets a password the policy refuses, then it says so in plain words, without a stack', async () => {
    const { code, output } = await run('users', [
      'create',
      'weak-cli@example.com',
      '--password',
      'abc',
    ]);
    expect(code).to.equal(1);
    expect(output).to.match(
      /^error: The password does not meet the policy: .+ \(REGISTER_INVALID_PASSWORD\)$/,
    );
    expect(output).to.not.match(STACK);
  });

  it('when a command fails, then it prints one line without a stack; with LOG_LEVEL=debug it prints the stack too', async () => {
    const failing = await run('users', ['promote', 'nobody-cli@example.com']);
    expect(failing).to.deep.equal({
      code: 1,
      output: 'no user with e-mail nobody-cli@example.com',
    });
    const unreachable = await run('users', ['list'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(unreachable.code).to.equal(4);
    expect(unreachable.output.split('\n')).to.have.length(1);
    expect(unreachable.output).to.match(/^error: the database is unreachable/);
    const debug = await run('users', ['promote', 'nobody-cli@example.com'], { LOG_LEVEL: 'debug' });
    expect(debug.output).to.match(STACK);
  });

  it('when users list runs, then it says which tables it shows', async () => {
    await sql(`INSERT INTO users (email) VALUES ('listed-cli@example.com')`);
    const { code, output } = await run('users', ['list']);
    expect(code).to.equal(0);
    expect(output).to.match(/^phase 1: users \(legacy engine\) \| its fu_users twin/);
    expect(output).to.match(/users id=\d+ listed-cli@example\.com .*\| legacy-only/);
  });

  it('when snapshot restore names no snapshot, then it prints one clear line and the seeders’ status is unchanged', async () => {
    const before = await run('seed', ['status']);
    const restored = await run('snapshot', ['restore', 'nope']);
    expect(restored).to.deep.equal({ code: 1, output: 'error: no snapshot labelled nope' });
    const after = await run('seed', ['status']);
    expect(after.output).to.equal(before.output);
    expect(after.output).to.not.match(/pending +2026\.04\.01T00\.00\.00\.user-snapshot/);
  });

  it('when migrate up runs with nothing pending, then it says so', async () => {
    const { code, output } = await run('migrate', ['up']);
    expect(code).to.equal(0);
    expect(output).to.match(/^nothing pending: all \d+ migrations are applied$/);
  });
});
