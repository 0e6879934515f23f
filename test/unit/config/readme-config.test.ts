import { expect } from 'chai';
import { envSchema } from '../../../src/config/schema.js';
import { readmeTable, unquote } from '../../helpers/readme.js';

describe('README configuration table', () => {
  const rows = readmeTable('config');

  it('when the schema reads a variable, then the README documents it, and nothing else', () => {
    const documented = rows.map((r) => unquote(r[0]!));
    for (const name of Object.keys(envSchema.shape)) expect(documented, name).to.include(name);
  });

  it('when the README shows a literal default, then it is the schema default', () => {
    const shape = envSchema.shape as Record<
      string,
      { safeParse(v: unknown): { success: boolean; data?: unknown } }
    >;
    for (const [name, fallback] of rows) {
      const field = shape[unquote(name!)];
      if (!field || !fallback!.startsWith('`')) continue;
      const parsed = field.safeParse(undefined);
      expect(parsed.success, name).to.equal(true);
      expect(String(parsed.data), name).to.equal(unquote(fallback!));
    }
  });
});
