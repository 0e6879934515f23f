import { expect } from 'chai';
import { stackBanner, type BannerInput } from '../../../src/cli/stack-banner.js';
import { DEMO_PASSWORD } from '../../../src/demo/demo-accounts.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';

const EMBEDDED_URL = 'postgres://postgres:authshift@127.0.0.1:5433/authshift';
const input = (overrides: Partial<BannerInput>): BannerInput => ({
  development: true,
  services: ['dashboard  http://127.0.0.1:8081/dashboard/'],
  devAdminToken: DEV_SECRETS.PROXY_ADMIN_TOKEN,
  database: { embedded: true, url: EMBEDDED_URL, port: 5433, dataDir: '.data/postgres' },
  ...overrides,
});

describe('npm start banner', () => {
  it('when the stack runs in development on the embedded database, then it shows the dashboard token, a psql command and the demo password', () => {
    const banner = stackBanner(input({}));
    expect(banner).to.contain('dashboard  http://127.0.0.1:8081/dashboard/');
    expect(banner).to.match(new RegExp(`token +${DEV_SECRETS.PROXY_ADMIN_TOKEN}`));
    expect(banner).to.contain(`psql '${EMBEDDED_URL}'`);
    expect(banner).to.match(
      new RegExp(`demo-user-N@demo\\.authshift\\.dev[^\\n]*${DEMO_PASSWORD}`),
    );
  });

  it('when the operator set their own admin token, then the banner never prints it', () => {
    const banner = stackBanner(input({ devAdminToken: undefined }));
    expect(banner).to.contain('the PROXY_ADMIN_TOKEN you set');
    expect(banner).not.to.contain(DEV_SECRETS.PROXY_ADMIN_TOKEN);
  });

  it('when the database comes from DATABASE_URL, then the banner points to it without printing it', () => {
    const banner = stackBanner(input({ database: { embedded: false } }));
    expect(banner).to.contain('psql "$DATABASE_URL"');
    expect(banner).not.to.contain('postgres://');
  });

  it('when NODE_ENV is not development, then no token, no psql URL and no demo password are printed', () => {
    const banner = stackBanner(input({ development: false }));
    expect(banner).not.to.contain(DEV_SECRETS.PROXY_ADMIN_TOKEN);
    expect(banner).not.to.contain(EMBEDDED_URL);
    expect(banner).not.to.contain(DEMO_PASSWORD);
    expect(banner).to.contain('authshift is running');
  });
});
