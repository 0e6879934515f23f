import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load-config.js';
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

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u@db.internal:5432/app',
  SESSION_SECRET: 'a'.repeat(32),
  JWT_SECRET: 'b'.repeat(32),
  RESET_PASSWORD_TOKEN_SECRET: 'c'.repeat(32),
  VERIFICATION_TOKEN_SECRET: 'd'.repeat(32),
  ROUTING_SECRET: 'e'.repeat(32),
};

/** ROUTING_SECRET, ROUTING_SECRET_PREVIOUS and ROUTING_CLAIM_TTL_SECONDS (docs/proxy.md, "Routing claim"). */
describe('routing claim configuration', () => {
  it('when nothing is set, then the development secret, no previous secret and a one-hour claim apply', () => {
    expect(loadConfig({}).routing).to.deep.equal({
      secret: DEV_SECRETS.ROUTING_SECRET,
      previousSecret: undefined,
      claimTtlSeconds: 3600,
    });
  });

  it('when the variables are set, then they are read', () => {
    const config = loadConfig({
      ROUTING_SECRET: 'r'.repeat(32),
      ROUTING_SECRET_PREVIOUS: 'p'.repeat(32),
      ROUTING_CLAIM_TTL_SECONDS: '900',
    });
    expect(config.routing).to.deep.equal({
      secret: 'r'.repeat(32),
      previousSecret: 'p'.repeat(32),
      claimTtlSeconds: 900,
    });
  });

  it('when the values are malformed, then each variable is named and no secret is echoed', () => {
    const problems = problemsOf({
      ROUTING_SECRET: 'short-one',
      ROUTING_SECRET_PREVIOUS: 'short-two',
      ROUTING_CLAIM_TTL_SECONDS: '10',
    });
    expect(problems.map((p) => p.split(':')[0])).to.have.members([
      'ROUTING_SECRET',
      'ROUTING_SECRET_PREVIOUS',
      'ROUTING_CLAIM_TTL_SECONDS',
    ]);
    expect(problems.join('\n')).not.to.match(/short-one|short-two/);
    expect(problemsOf({ ROUTING_CLAIM_TTL_SECONDS: 'soon' })[0]).to.match(
      /^ROUTING_CLAIM_TTL_SECONDS:/,
    );
  });

  it('when production runs on the development routing secret, then it refuses to start', () => {
    const { ROUTING_SECRET: _, ...unset } = production;
    for (const env of [unset, { ...production, ROUTING_SECRET: DEV_SECRETS.ROUTING_SECRET }]) {
      const problems = problemsOf(env);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^ROUTING_SECRET:/);
    }
  });

  it('when production sets any secret to a development default of another variable, then it refuses that one too', () => {
    for (const [name, value] of [
      ['ROUTING_SECRET', DEV_SECRETS.SESSION_SECRET],
      ['ROUTING_SECRET_PREVIOUS', DEV_SECRETS.ROUTING_SECRET],
      ['JWT_SECRET', DEV_SECRETS.PROXY_OVERRIDE_SECRET],
    ] as const) {
      const problems = problemsOf({ ...production, [name]: value });
      expect(problems, name).to.have.length(1);
      expect(problems[0]).to.match(new RegExp(`^${name}:`));
    }
  });

  it('when production has a real routing secret and a real previous one, then it starts', () => {
    const config = loadConfig({ ...production, ROUTING_SECRET_PREVIOUS: 'f'.repeat(32) });
    expect(config.routing.previousSecret).to.equal('f'.repeat(32));
  });
});
