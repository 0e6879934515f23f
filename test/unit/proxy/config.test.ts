import { expect } from 'chai';
import { ConfigError } from '../../../src/lib/config/env-config.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';
import { DEFAULT_PROXY_SECRETS, loadProxyConfig } from '../../../proxy/config.js';

const REAL = {
  NODE_ENV: 'production',
  PROXY_ADMIN_TOKEN: 'a-real-admin-token-0123456789',
  PROXY_OVERRIDE_SECRET: 'a-real-override-secret-0123456789',
  ROUTING_SECRET: 'a-real-routing-secret-0123456789',
  JWT_SECRET: 'a-real-jwt-secret-0123456789',
  RESET_PASSWORD_TOKEN_SECRET: 'a-real-reset-secret-0123456789',
  VERIFICATION_TOKEN_SECRET: 'a-real-verification-secret-0123456789',
  DATABASE_URL: 'postgres://db/authshift',
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadProxyConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('proxy config', () => {
  it('when nothing is set, then the defaults point both arms at the monolith on PORT', () => {
    const config = loadProxyConfig({});
    expect(config.listen).to.deep.equal({ host: '0.0.0.0', port: 8080 });
    expect(config.admin).to.deep.include({ host: '127.0.0.1', port: 8081 });
    expect(config.upstreams).to.deep.equal({
      legacy: 'http://127.0.0.1:3000',
      new: 'http://127.0.0.1:3000',
    });
    expect(config.databaseUrl).to.equal('postgres://postgres:authshift@127.0.0.1:5433/authshift');
    expect(config.armHeader).to.equal(true);
    expect(config.secrets.routing).to.deep.equal([DEV_SECRETS.ROUTING_SECRET]);
    expect(config.secrets.jwt).to.equal(DEV_SECRETS.JWT_SECRET);
    expect(Object.isFrozen(config.guard)).to.equal(true);
  });

  it('when PORT and upstream URLs are set, then they are used', () => {
    const config = loadProxyConfig({
      PORT: '4000',
      NEW_UPSTREAM_URL: 'http://10.0.0.9:5000',
      PROXY_ARM_HEADER: 'off',
    });
    expect(config.upstreams).to.deep.equal({
      legacy: 'http://127.0.0.1:4000',
      new: 'http://10.0.0.9:5000',
    });
    expect(config.armHeader).to.equal(false);
  });

  it('when several variables are wrong, then one error names every one of them', () => {
    const problems = problemsOf({
      PROXY_PORT: 'eighty',
      LEGACY_UPSTREAM_URL: 'ftp://x',
      PROXY_GUARD_ERROR_RATE: '1.5',
      PROXY_ADMIN_TOKEN: 'short',
      ROUTING_SECRET_PREVIOUS: 'short',
    });
    for (const name of [
      'PROXY_PORT',
      'LEGACY_UPSTREAM_URL',
      'PROXY_GUARD_ERROR_RATE',
      'PROXY_ADMIN_TOKEN',
      'ROUTING_SECRET_PREVIOUS',
    ])
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).to.equal(true);
  });

  it('when production runs on the development secrets or without DATABASE_URL, then it refuses', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      PROXY_ADMIN_TOKEN: DEFAULT_PROXY_SECRETS.PROXY_ADMIN_TOKEN,
    });
    expect(problems.map((p) => p.split(':')[0])).to.have.members([
      'PROXY_ADMIN_TOKEN',
      'PROXY_OVERRIDE_SECRET',
      'ROUTING_SECRET',
      'JWT_SECRET',
      'RESET_PASSWORD_TOKEN_SECRET',
      'VERIFICATION_TOKEN_SECRET',
      'DATABASE_URL',
    ]);
  });

  it("when production sets a secret to another variable's development default, then it refuses that too", () => {
    const problems = problemsOf({
      ...REAL,
      JWT_SECRET: DEV_SECRETS.SESSION_SECRET,
      ROUTING_SECRET_PREVIOUS: DEV_SECRETS.ROUTING_SECRET,
    });
    expect(problems.map((p) => p.split(':')[0])).to.have.members([
      'JWT_SECRET',
      'ROUTING_SECRET_PREVIOUS',
    ]);
  });

  it('when production sets any secret variable to any development default, then every such pair is refused', () => {
    const variables = [...Object.keys(DEFAULT_PROXY_SECRETS), 'ROUTING_SECRET_PREVIOUS'];
    for (const name of variables) {
      for (const value of Object.values(DEV_SECRETS)) {
        const problems = problemsOf({ ...REAL, [name]: value });
        expect(
          problems.map((p) => p.split(':')[0]),
          `${name}=${value}`,
        ).to.deep.equal([name]);
      }
    }
  });

  it('when a previous routing secret is set, then claims signed with it are accepted after the current one', () => {
    const config = loadProxyConfig({
      ROUTING_SECRET: 'current-routing-secret-0123',
      ROUTING_SECRET_PREVIOUS: 'previous-routing-secret-0123',
    });
    expect(config.secrets.routing).to.deep.equal([
      'current-routing-secret-0123',
      'previous-routing-secret-0123',
    ]);
  });

  it('when production has real secrets and a database, then it starts', () => {
    const config = loadProxyConfig(REAL);
    expect(config.databaseUrl).to.equal('postgres://db/authshift');
  });
});
