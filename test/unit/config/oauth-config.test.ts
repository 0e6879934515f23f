import { expect } from 'chai';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/lib/config/env-config.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db.internal/authshift',
  SESSION_SECRET: 's'.repeat(32),
  JWT_SECRET: 'j'.repeat(32),
  RESET_PASSWORD_TOKEN_SECRET: 'r'.repeat(32),
  VERIFICATION_TOKEN_SECRET: 'v'.repeat(32),
  ROUTING_SECRET: 'g'.repeat(32),
};

const providers = (...list: unknown[]) => ({ OAUTH_PROVIDERS: JSON.stringify(list) });
const corp = { name: 'corp', issuer: 'https://id.corp.example', clientId: 'c', clientSecret: 's' };

describe('configuration of OAuth providers', () => {
  it('when nothing is set, then there are no providers and states are signed with JWT_SECRET', () => {
    const config = loadConfig({ JWT_SECRET: 'j'.repeat(20) });
    expect(config.oauth).to.deep.equal({ stateSecret: 'j'.repeat(20), providers: [] });
    expect(loadConfig({ OAUTH_STATE_SECRET: 'o'.repeat(16) }).oauth.stateSecret).to.equal(
      'o'.repeat(16),
    );
  });

  it('when several providers are given, then presets fill the issuer and the defaults are upstream ones', () => {
    const { oauth } = loadConfig(
      providers({ name: 'google', preset: 'google', clientId: 'g', clientSecret: 'gs' }, corp),
    );
    expect(oauth.providers).to.deep.equal([
      {
        name: 'google',
        issuer: 'https://accounts.google.com',
        clientId: 'g',
        clientSecret: 'gs',
        scopes: ['openid', 'email'],
        backend: 'jwt',
        associateByEmail: false,
        isVerifiedByDefault: false,
      },
      {
        ...corp,
        scopes: ['openid', 'email'],
        backend: 'jwt',
        associateByEmail: false,
        isVerifiedByDefault: false,
      },
    ]);
  });

  it('when the microsoft preset names a tenant, then the issuer is that tenant’s', () => {
    const { oauth } = loadConfig(
      providers({
        name: 'entra',
        preset: 'microsoft',
        tenant: 'contoso.onmicrosoft.com',
        clientId: 'm',
        clientSecret: 'ms',
      }),
    );
    expect(oauth.providers[0]!.issuer).to.equal(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
    );
    expect(oauth.providers[0]).not.to.have.property('tenant');
  });

  it('when the list is malformed, then start-up names the problem', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ OAUTH_PROVIDERS: '{nope' }, /OAUTH_PROVIDERS: must be a JSON array/],
      [{ OAUTH_PROVIDERS: '{}' }, /OAUTH_PROVIDERS: must be a JSON array/],
      [providers(corp, corp), /unique/],
      [providers({ ...corp, name: 'jwt' }), /route name/],
      [providers({ ...corp, name: 'Bad Name' }), /OAUTH_PROVIDERS\.0\.name/],
      [providers({ ...corp, issuer: undefined }), /needs an issuer or a preset/],
      [providers({ ...corp, issuer: undefined, preset: 'microsoft' }), /needs a tenant/],
      [
        providers({ ...corp, issuer: undefined, preset: 'microsoft', tenant: 'common' }),
        /must name one tenant/,
      ],
      [providers({ ...corp, tenant: 'contoso' }), /tenant applies only/],
      [
        providers({ ...corp, issuer: undefined, preset: 'microsoft', tenant: 'a/b' }),
        /tenant id or domain/,
      ],
      [providers({ ...corp, issuer: 'ftp://x' }), /issuer: must be an http/],
      [providers({ ...corp, clientSecret: '' }), /clientSecret: must not be empty/],
      [providers({ ...corp, backend: 'redis' }), /backend/],
      [providers({ ...corp, clientSecrt: 'typo' }), /clientSecrt/],
      [{ OAUTH_STATE_SECRET: 'short' }, /OAUTH_STATE_SECRET: must be at least 16/],
    ];
    for (const [env, expected] of cases) {
      const problems = problemsOf(env);
      expect(problems.join('\n'), JSON.stringify(env)).to.match(expected);
    }
  });

  it('when production is given plain-HTTP or missing redirect URLs or a development state secret, then it refuses to start', () => {
    const own = {
      redirectUrl: 'https://app.example/fu_auth/corp/callback',
      associateRedirectUrl: 'https://app.example/fu_auth/associate/corp/callback',
    };
    expect(problemsOf({ ...PRODUCTION, ...providers({ ...corp, ...own }) })).to.deep.equal([]);
    expect(problemsOf({ ...PRODUCTION, ...providers(corp) })).to.have.members([
      "OAUTH_PROVIDERS: corp.redirectUrl must be set in production (the default comes from the request's Host header)",
      "OAUTH_PROVIDERS: corp.associateRedirectUrl must be set in production (the default comes from the request's Host header)",
    ]);
    const problems = problemsOf({
      ...PRODUCTION,
      OAUTH_STATE_SECRET: DEV_SECRETS.JWT_SECRET,
      ...providers({
        ...corp,
        ...own,
        issuer: 'http://id.corp.example',
        redirectUrl: 'http://app.example/fu_auth/corp/callback',
      }),
    });
    expect(problems).to.have.members([
      'OAUTH_STATE_SECRET: is a development default; production needs a real secret',
      'OAUTH_PROVIDERS: corp.issuer must be https:// in production',
      'OAUTH_PROVIDERS: corp.redirectUrl must be https:// in production',
    ]);
  });
});
