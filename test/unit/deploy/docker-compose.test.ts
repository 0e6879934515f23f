/**
 * docker-compose.yml: a local two-replica stack on one PostgreSQL, migrations before the
 * application, the admin port published on loopback only, and only variables the monolith or
 * the proxy reads. (No Docker engine runs here; what the image runs is checked in
 * test/e2e/build.test.ts.)
 */
import { expect } from 'chai';
import { envSchema } from '../../../src/config/schema.js';
import { proxyEnvSchema } from '../../../proxy/config.js';
import { composeFile } from '../../helpers/manifests.js';

const KNOWN_VARIABLES = new Set([
  ...Object.keys(envSchema.shape),
  ...Object.keys(proxyEnvSchema.shape),
]);

describe('docker-compose.yml', () => {
  const { services } = composeFile();

  it('when compose starts, then PostgreSQL is health-checked and the migrations wait for it', () => {
    expect(services.postgres!.image).to.match(/^postgres:\d+/);
    expect(services.postgres!.healthcheck!.test.join(' ')).to.contain('pg_isready');
    expect(services.migrate!.command).to.deep.equal(['node', 'dist/src/cli/migrate.js', 'up']);
    expect(services.migrate!.depends_on).to.deep.equal({
      postgres: { condition: 'service_healthy' },
    });
  });

  it('when the application starts, then two monoliths and two proxies run after the migrations completed', () => {
    for (const name of ['monolith', 'proxy']) {
      expect(services[name]!.deploy?.replicas, name).to.equal(2);
      expect(services[name]!.depends_on?.migrate, name).to.deep.equal({
        condition: 'service_completed_successfully',
      });
    }
    expect(services.monolith!.command).to.deep.equal(['node', 'dist/src/main.js']);
    expect(services.proxy!.command).to.deep.equal(['node', 'dist/proxy/main.js']);
    expect(services.proxy!.environment).to.include({ LEGACY_UPSTREAM_URL: 'http://monolith:3000' });
  });

  it('when ports are published, then clients get the proxies and the admin ports stay on loopback', () => {
    expect(services.monolith!.ports ?? []).to.deep.equal([]);
    const ports = services.proxy!.ports!;
    expect(ports).to.include('8080-8081:8080');
    const admin = ports.filter((p) => p.endsWith(':8081'));
    expect(admin).to.have.length(1);
    expect(admin[0]).to.match(/^127\.0\.0\.1:/);
  });

  it('when Docker health-checks a proxy, then it asks the proxy’s own /healthz, not the monolith’s port', () => {
    expect(services.proxy!.healthcheck!.test.join(' ')).to.contain('8081/healthz');
  });

  it('when the services set a variable, then the monolith or the proxy reads it', () => {
    const set = Object.values(services)
      .filter((s) => s.image?.startsWith('authshift'))
      .flatMap((s) => Object.keys(s.environment ?? {}));
    expect(set.length).to.be.greaterThan(5);
    expect(set.filter((name) => !KNOWN_VARIABLES.has(name))).to.deep.equal([]);
  });
});
