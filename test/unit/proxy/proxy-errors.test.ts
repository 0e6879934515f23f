import { expect } from 'chai';
import { PROXY_ERRORS, errorBody } from '../../../proxy/proxy-errors.js';
import { proxyEnvSchema } from '../../../proxy/config.js';
import { docTable, unquote } from '../../helpers/readme.js';

describe('proxy error registry', () => {
  it('when docs/errors.md lists proxy errors, then it lists exactly the registry with its statuses', () => {
    const rows = docTable('docs/errors.md', 'proxy-errors').map((r) => [
      unquote(r[0]!),
      Number(r[1]),
    ]);
    expect(rows).to.deep.equal(Object.entries(PROXY_ERRORS).map(([code, e]) => [code, e.status]));
  });

  it('when an error is rendered, then the body carries the legacy-style error token and the code', () => {
    expect(errorBody('UPSTREAM_TIMEOUT')).to.deep.equal({
      error: 'upstream_timeout',
      code: 'UPSTREAM_TIMEOUT',
      message: 'the upstream did not answer in time',
    });
  });
});

describe('proxy configuration table (docs/configuration.md)', () => {
  it('when the proxy schema reads a variable, then docs/configuration.md documents it with its default', () => {
    const rows = docTable('docs/configuration.md', 'proxy-config');
    const documented = new Map(rows.map((r) => [unquote(r[0]!), r[1]!]));
    const shape = proxyEnvSchema.shape as Record<
      string,
      { safeParse(v: unknown): { success: boolean; data?: unknown } }
    >;
    for (const name of Object.keys(shape)) {
      expect(documented.has(name), name).to.equal(true);
      const fallback = documented.get(name)!;
      const parsed = shape[name]!.safeParse(undefined).data;
      if (!fallback.startsWith('`') || parsed === undefined) continue;
      expect(String(parsed), name).to.equal(unquote(fallback));
    }
  });
});
