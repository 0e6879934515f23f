import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { needsDatabase } from '../setup/needs-database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('unit tests run without a database', () => {
  it('when only unit specs are named, then the run starts no database; any other spec needs one', () => {
    expect(needsDatabase(['test/unit/**/*.test.ts'], ROOT, ROOT)).to.equal(false);
    expect(
      needsDatabase(['test/unit/lib/retry.test.ts', '--timeout', '5000'], ROOT, ROOT),
    ).to.equal(false);
    expect(needsDatabase([path.join(ROOT, 'test/unit/a.test.ts')], ROOT, '/')).to.equal(false);
    expect(
      needsDatabase(['test/unit/a.test.ts', 'test/integration/b.test.ts'], ROOT, ROOT),
    ).to.equal(true);
    expect(needsDatabase(['test/e2e/**/*.test.ts'], ROOT, ROOT)).to.equal(true);
    expect(needsDatabase([], ROOT, ROOT), 'specs from a configuration').to.equal(true);
  });

  it('when a unit test imports test helpers, then none of them reaches the database', () => {
    const files = (readdirSync(path.join(ROOT, 'test/unit'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join('test/unit', f));
    const offenders = files.filter((file) =>
      /from '[./]*helpers\/(database|test-deps|phase1-data|phase2-database|consolidation|ops|proxy-stack)\.js'|setup\/global/.test(
        readFileSync(path.join(ROOT, file), 'utf8'),
      ),
    );
    expect(offenders).to.deep.equal([]);
  });
});
