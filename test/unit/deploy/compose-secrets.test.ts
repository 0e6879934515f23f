/**
 * docker-compose.yml holds no secret: each comes from the environment or from the .env that
 * deploy/compose-env.sh generates (git-ignored), and compose refuses to start without it. No
 * Docker engine runs here, so compose's `${VAR:?message}` / `${VAR:-default}` interpolation is
 * applied by a small reading of the same rules.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load-config.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';
import { loadProxyConfig } from '../../../proxy/config.js';
import { composeFile, ROOT } from '../../helpers/manifests.js';

const SECRET_VARIABLES = [...Object.keys(DEV_SECRETS), 'POSTGRES_PASSWORD'];
const SCRIPT = path.join(ROOT, 'deploy/compose-env.sh');

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?message}`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_m, name: string, op, arg: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg : '';
  });
}

function environments(env: Record<string, string>) {
  const { services } = composeFile();
  return Object.fromEntries(
    Object.entries(services).map(([name, service]) => [
      name,
      Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]),
      ),
    ]),
  );
}

function generatedEnv(): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-env-'));
  try {
    const file = path.join(dir, '.env');
    execFileSync(SCRIPT, [file], { stdio: 'pipe' });
    return Object.fromEntries(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('docker-compose.yml secrets', () => {
  it('when the compose file is read, then no secret variable has a literal value: each is required from the environment', () => {
    const { services } = composeFile();
    for (const [service, { environment = {} }] of Object.entries(services)) {
      for (const name of SECRET_VARIABLES.filter((n) => n in environment)) {
        expect(environment[name], `${service}.${name}`).to.match(
          new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`),
        );
      }
      const url = environment.DATABASE_URL;
      if (url) expect(url, `${service}.DATABASE_URL`).to.contain('${POSTGRES_PASSWORD:?');
    }
  });

  it('when a secret is missing from the environment, then compose refuses to start and says how to make one', () => {
    const env = generatedEnv();
    for (const name of SECRET_VARIABLES) {
      const { [name]: _, ...without } = env;
      expect(() => environments(without), name).to.throw(
        new RegExp(`^${name}: .*deploy/compose-env\\.sh`),
      );
    }
  });

  it('when the generated .env is used, then the monolith and the proxy accept it in production', () => {
    const env = generatedEnv();
    expect(Object.keys(env)).to.have.members(SECRET_VARIABLES);
    expect(new Set(Object.values(env)).size).to.equal(SECRET_VARIABLES.length);
    const { monolith, proxy, postgres } = environments(env);
    expect(postgres!.POSTGRES_PASSWORD).to.equal(env.POSTGRES_PASSWORD);
    expect(loadConfig(monolith!).env).to.equal('production');
    expect(loadProxyConfig(proxy!).env).to.equal('production');
  });

  it('when the .env exists already, then the script refuses to overwrite it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-env-'));
    try {
      const file = path.join(dir, '.env');
      execFileSync(SCRIPT, [file], { stdio: 'pipe' });
      const first = readFileSync(file, 'utf8');
      expect(() => execFileSync(SCRIPT, [file], { stdio: 'pipe' })).to.throw();
      expect(readFileSync(file, 'utf8')).to.equal(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when git decides what to commit, then .env is ignored', () => {
    const ignored = execFileSync('git', ['check-ignore', '.env'], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.trim()).to.equal('.env');
  });
});
