import { expect } from 'chai';
import { envSchema } from '../../../src/config/schema.js';
import { docTable, unquote } from '../../helpers/readme.js';

describe('configuration table (docs/configuration.md)', () => {
  const rows = docTable('docs/configuration.md', 'config');

  it('when the schema reads a variable, then docs/configuration.md documents it, and nothing else', () => {
    const documented = rows.map((r) => unquote(r[0]!));
    for (const name of Object.keys(envSchema.shape)) expect(documented, name).to.include(name);
  });

  it('when docs/configuration.md shows a literal default, then it is the schema default', () => {
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
