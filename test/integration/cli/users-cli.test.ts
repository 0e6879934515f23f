import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { runUsersCommand } from '../../../src/cli/users-command.js';
import { testDatabaseUrl } from '../../helpers/database.js';
import { createLegacyUser, uniqueEmail } from '../../helpers/factories.js';
import { jwtLogin } from '../../helpers/fu-auth.js';
import { TEST_ENV, useTestApp } from '../../helpers/test-deps.js';

describe('npm run users', () => {
  const t = useTestApp();

  async function run(...argv: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await runUsersCommand(t.deps, argv, (line) => lines.push(line));
    return { code, out: lines.join('\n') };
  }

  it('when a superuser is created verified, then they log in and may read other users', async () => {
    const email = uniqueEmail('cli');
    const created = await run(
      'create',
      email,
      '--password',
      'cli-password-1',
      '--superuser',
      '--verified',
    );
    expect(created.code).to.equal(0);
    expect(created.out).to.match(/^created [0-9a-f-]{36} .* superuser=true verified=true/);
    const token = await jwtLogin(t.app, email, 'cli-password-1');
    const me = await request(t.app)
      .get('/fu_auth/users/me')
      .set('authorization', `Bearer ${token}`);
    expect(me.body).to.include({ is_superuser: true, is_verified: true });
  });

  it('when the password breaks the policy, then it fails with the policy error', async () => {
    let error: unknown;
    await run('create', uniqueEmail(), '--password', 'short').catch((e: unknown) => (error = e));
    expect(error).to.have.property('code', 'REGISTER_INVALID_PASSWORD');
  });

  it('when a legacy-only account is promoted, then it is imported as a superuser and the legacy role is admin', async () => {
    const legacy = await createLegacyUser(t.deps.sequelize);
    const { code, out } = await run('promote', legacy.email, '--verified');
    expect(code).to.equal(0);
    expect(out).to.contain(`superuser=true verified=true legacy_id=${legacy.id}`);
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: legacy.email, password: legacy.password });
    expect(login.body.user.role).to.equal('admin');
  });

  it('when a user is deactivated, then neither engine lets them in', async () => {
    const email = uniqueEmail('off');
    await run('create', email, '--password', 'cli-password-1');
    expect((await run('deactivate', email)).out).to.contain('active=false');
    const res = await request(t.app)
      .post('/fu_auth/jwt/login')
      .type('form')
      .send({ username: email, password: 'cli-password-1' });
    expect(res.status).to.equal(400);
    expect(
      (await request(t.app).post('/auth/login').send({ email, password: 'cli-password-1' })).status,
    ).to.equal(403);
  });

  it('when the e-mail is unknown or the command is wrong, then it fails clearly', async () => {
    let error: unknown;
    await run('promote', uniqueEmail('ghost')).catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('no user with e-mail');
    expect((await run('frobnicate')).code).to.equal(2);
  });

  it('when run as a process with DATABASE_URL, then it lists the users of that database', async () => {
    const email = uniqueEmail('listed');
    await run('create', email, '--password', 'cli-password-1');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/users.ts', 'list', '--limit', '100000'],
      { env: { ...process.env, ...TEST_ENV, DATABASE_URL: testDatabaseUrl() } },
    );
    expect(stdout).to.contain(email);
  });
});
