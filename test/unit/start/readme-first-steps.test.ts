/**
 * The README's first steps: a newcomer talks to the proxy, sees the arm
 * header, and finds the demo password, the dashboard token and the database URL in the text.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DEMO_DOMAIN, DEMO_PASSWORD } from '../../../src/demo/demo-accounts.js';
import { DEV_SECRETS } from '../../../src/lib/contracts/dev-secrets.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).to.be.greaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

describe('README: the first steps', () => {
  const first = section('Two commands');

  it('when the first curl examples run, then they go through the proxy on :8080, never straight to the monolith', () => {
    const targets = [...first.matchAll(/\blocalhost:(\d+)\//g)].map((m) => m[1]);
    expect(targets.length).to.be.greaterThan(1);
    expect(new Set(targets)).to.deep.equal(new Set(['8080']));
  });

  it('when the login answers, then the text shows the x-authshift-arm header it carries', () => {
    expect(first).to.match(/x-authshift-arm: legacy/);
  });

  it('when a newcomer looks for the demo accounts, the dashboard token and the database, then the text states them', () => {
    expect(first).to.contain(`demo-user-N@${DEMO_DOMAIN}`);
    expect(first).to.match(new RegExp(`demo-user-N@[^\\n]*\\n?[^\\n]*${DEMO_PASSWORD}`));
    expect(first).to.contain(DEV_SECRETS.PROXY_ADMIN_TOKEN);
    expect(first).to.contain('psql postgres://postgres:authshift@127.0.0.1:5433/authshift');
    expect(first).to.contain('npm run dev');
  });

  it('when the README gives the test command, then it is the one CI runs', () => {
    expect(first).to.contain('npm ci && npm test');
    const ci = readFileSync(new URL('../../../.ci/run', import.meta.url), 'utf8');
    expect(ci.split('\n')).to.include('npm test');
  });
});
