import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load-config.js';
import { DEFAULT_SECRETS } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/lib/config/env-config.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  expect.fail('expected a ConfigError');
}

const realSecrets = {
  SESSION_SECRET: 'a'.repeat(32),
  JWT_SECRET: 'b'.repeat(32),
  RESET_PASSWORD_TOKEN_SECRET: 'c'.repeat(32),
  VERIFICATION_TOKEN_SECRET: 'd'.repeat(32),
  ROUTING_SECRET: 'e'.repeat(32),
  DATABASE_URL: 'postgres://u@db.internal:5432/app',
};

describe('loadConfig', () => {
  it('when the environment is empty, then every default applies', () => {
    const config = loadConfig({});
    expect(config.env).to.equal('development');
    expect(config.http).to.deep.equal({ host: '0.0.0.0', port: 3000, trustProxy: 'loopback' });
    expect(config.database.url).to.equal(undefined);
    expect(config.database.embedded).to.deep.equal({ port: 5433, dataDir: '.data' });
    expect(config.legacy.cookieSecure).to.equal(false);
    expect(config.fuAuth.argon2).to.deep.equal({ memoryCost: 65536, timeCost: 3, parallelism: 4 });
    expect(config.fuAuth.cookieSecure).to.equal(true);
    expect(config.mail.outboxDir).to.equal('.data/outbox');
  });

  it('when values are given, then they are coerced to their types', () => {
    const config = loadConfig({
      PORT: '4000',
      COOKIE_SECURE: 'yes',
      EMBEDDED_PG_PORT: '6543',
      DATABASE_URL: 'postgres://x@h/db',
    });
    expect(config.http.port).to.equal(4000);
    expect(config.legacy.cookieSecure).to.equal(true);
    expect(config.database.embedded.port).to.equal(6543);
    expect(config.database.url).to.equal('postgres://x@h/db');
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '' }).http.port).to.equal(3000);
  });

  it('when several variables are malformed, then one error lists every problem with its name', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      COOKIE_SECURE: 'maybe',
      DATABASE_URL: 'not a url',
      LOG_LEVEL: 'loud',
      SESSION_SECRET: 'short',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).to.include.members([
      'PORT',
      'COOKIE_SECURE',
      'DATABASE_URL',
      'LOG_LEVEL',
      'SESSION_SECRET',
    ]);
    expect(problems.find((p) => p.startsWith('PORT'))).to.match(/TCP port/);
  });

  it('when a port is out of range, then it is rejected', () => {
    expect(problemsOf({ PORT: '70000' })[0]).to.match(/^PORT: must be between 0 and 65535/);
  });

  it('when DATABASE_URL is not a PostgreSQL URL, then it is rejected', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x@h/db' })[0]).to.match(/^DATABASE_URL:/);
  });

  it('when production runs on the development secrets, then it refuses to start and names each secret', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/db' });
    expect(problems.map((p) => p.split(':')[0])).to.have.members(Object.keys(DEFAULT_SECRETS));
  });

  it('when production sets one secret to its development default explicitly, then that one is refused', () => {
    const problems = problemsOf({
      ...realSecrets,
      NODE_ENV: 'production',
      JWT_SECRET: DEFAULT_SECRETS.JWT_SECRET,
    });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^JWT_SECRET:/);
  });

  it('when production sets any secret variable to any development default (its own or another), then each is refused', () => {
    const variables = [...Object.keys(DEFAULT_SECRETS), 'ROUTING_SECRET_PREVIOUS'];
    for (const name of variables) {
      for (const value of Object.values(DEV_SECRETS)) {
        const problems = problemsOf({ ...realSecrets, NODE_ENV: 'production', [name]: value });
        expect(
          problems.map((p) => p.split(':')[0]),
          `${name}=${value}`,
        ).to.deep.equal([name]);
      }
    }
  });

  it('when production leaves COOKIE_SECURE unset, then the session cookies are Secure', () => {
    const config = loadConfig({ ...realSecrets, NODE_ENV: 'production' });
    expect(config.legacy.cookieSecure).to.equal(true);
    expect(config.fuAuth.cookieSecure).to.equal(true);
  });

  it('when production sets COOKIE_SECURE=false (TLS terminated in front, plain HTTP forwarded), then the opt-out holds', () => {
    const config = loadConfig({ ...realSecrets, NODE_ENV: 'production', COOKIE_SECURE: 'false' });
    expect(config.legacy.cookieSecure).to.equal(false);
  });

  it('when development or test leaves COOKIE_SECURE unset, then plain-HTTP cookies work', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).legacy.cookieSecure).to.equal(false);
    expect(loadConfig({ NODE_ENV: 'development' }).legacy.cookieSecure).to.equal(false);
  });

  it('when production has no DATABASE_URL, then it refuses (no embedded database in production)', () => {
    const { DATABASE_URL: _, ...withoutUrl } = realSecrets;
    expect(problemsOf({ ...withoutUrl, NODE_ENV: 'production' })[0]).to.match(/^DATABASE_URL:/);
  });

  it('when production has real secrets, then it starts', () => {
    expect(loadConfig({ ...realSecrets, NODE_ENV: 'production' }).env).to.equal('production');
  });

  it('when a problem is reported, then the secret value itself is never echoed', () => {
    const problems = problemsOf({ SESSION_SECRET: 'tiny-secret' });
    expect(problems.join('\n')).not.to.contain('tiny-secret');
  });

  it('when the config is loaded, then it is deeply frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.fuAuth.argon2)).to.equal(true);
  });
});
