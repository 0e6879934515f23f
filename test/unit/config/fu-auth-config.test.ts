import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load-config.js';
import { DEFAULT_SECRETS } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/lib/config/env-config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('configuration of the new engine', () => {
  it("when nothing is set, then the defaults are fastapi-users' and honest use is never throttled", () => {
    const { fuAuth } = loadConfig({});
    expect(fuAuth.argon2).to.deep.equal({ memoryCost: 65536, timeCost: 3, parallelism: 4 });
    expect(fuAuth.cookieSecure).to.equal(true);
    expect(fuAuth.cookieMaxAgeSeconds).to.equal(3600);
    expect(fuAuth.legacyWriteBack).to.equal(true);
    expect(fuAuth.passwordPolicy).to.deep.equal({ minLength: 8, forbidEmail: true });
    expect(fuAuth.rateLimit).to.deep.equal({
      enabled: true,
      loginPerIp: { max: 300, windowSeconds: 60 },
      loginFailuresPerAccount: { max: 10, windowSeconds: 900 },
      loginSlowdownPerAccount: { max: 50, windowSeconds: 3600 },
      loginSlowdownMaxMs: 8000,
      registerPerIp: { max: 30, windowSeconds: 60 },
      forgotPerIp: { max: 60, windowSeconds: 60 },
      forgotPerAccount: { max: 5, windowSeconds: 900 },
    });
  });

  it('when rate rules and the write-back switch are set, then they are parsed', () => {
    const { fuAuth } = loadConfig({
      RATE_LIMIT_LOGIN_PER_IP: '1000/30',
      RATE_LIMIT_ENABLED: 'off',
      FU_LEGACY_WRITE_BACK: 'false',
    });
    expect(fuAuth.rateLimit.loginPerIp).to.deep.equal({ max: 1000, windowSeconds: 30 });
    expect(fuAuth.rateLimit.enabled).to.equal(false);
    expect(fuAuth.legacyWriteBack).to.equal(false);
  });

  it('when rate rules are malformed, then every problem is reported at once with the variable name', () => {
    const problems = problemsOf({
      RATE_LIMIT_LOGIN_PER_IP: '300',
      RATE_LIMIT_FORGOT_PER_ACCOUNT: '0/60',
      FU_LEGACY_WRITE_BACK: 'maybe',
    });
    expect(problems).to.have.length(3);
    expect(problems.join('\n')).to.contain('RATE_LIMIT_LOGIN_PER_IP: must be MAX/SECONDS');
    expect(problems.join('\n')).to.contain('RATE_LIMIT_FORGOT_PER_ACCOUNT');
    expect(problems.join('\n')).to.contain('FU_LEGACY_WRITE_BACK');
  });

  it('when production runs on the shipped secrets, then it refuses to start, naming each fastapi-users secret', () => {
    const problems = problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    for (const name of ['JWT_SECRET', 'RESET_PASSWORD_TOKEN_SECRET', 'VERIFICATION_TOKEN_SECRET'])
      expect(
        problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).to.equal(true);
    expect(problems.some((p) => p.startsWith('SESSION_SECRET:'))).to.equal(false);
    const explicitDefault = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db.internal/authshift',
      SESSION_SECRET: 'x'.repeat(32),
      JWT_SECRET: DEFAULT_SECRETS.JWT_SECRET,
      RESET_PASSWORD_TOKEN_SECRET: 'r'.repeat(32),
      VERIFICATION_TOKEN_SECRET: 'v'.repeat(32),
      ROUTING_SECRET: 'g'.repeat(32),
    });
    expect(explicitDefault).to.have.length(1);
    expect(explicitDefault[0]).to.match(/^JWT_SECRET:/);
  });
});
