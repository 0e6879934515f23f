import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Relative module specifiers of every import/export-from in a file's text, resolved to repo paths. */
function localImports(file: string, text: string): string[] {
  const specs = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => s.startsWith('.'));
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

/** `file → target` for every import of `files` (path → text) that `allowed` refuses. */
function offenders(files: Record<string, string>, allowed: (target: string) => boolean): string[] {
  return Object.entries(files).flatMap(([file, text]) =>
    localImports(file, text)
      .filter((target) => !allowed(target))
      .map((target) => `${file} → ${target}`),
  );
}

const read = (files: string[]) =>
  Object.fromEntries(files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));

/** The rules, each a predicate over a resolved import target. */
const PROXY_RULE = (target: string) => target.startsWith('proxy/') || target.startsWith('src/lib/');
const LIB_RULE = (target: string) => target.startsWith('src/lib/');
const MIGRATION_RULE = (target: string) => !target.startsWith('src/db/models/');

describe('architecture', () => {
  it('when a proxy module imports repository code, then it is from proxy/ or src/lib/ only', () => {
    const files = sourceFiles('proxy');
    expect(files.length).to.be.greaterThan(10);
    expect(offenders(read(files), PROXY_RULE)).to.deep.equal([]);
  });

  it('when a src/lib module imports repository code, then it is from src/lib/ only (lib knows no component)', () => {
    const files = sourceFiles('src/lib');
    expect(files.length).to.be.greaterThan(5);
    expect(offenders(read(files), LIB_RULE)).to.deep.equal([]);
  });

  it('when a migration imports repository code, then it never imports models (migrations outlive them)', () => {
    const files = [...sourceFiles('migrations'), ...sourceFiles('seeders')];
    expect(offenders(read(files), MIGRATION_RULE)).to.deep.equal([]);
  });

  it('when the checker meets forbidden imports in fixtures, then it reports each of them (the rules can fail)', () => {
    const fixtures = {
      'proxy/http/bad.ts': [
        `import { createSequelize } from '../../src/db/sequelize.js';`,
        `export { x } from '../../src/cutover/ops.js';`,
        `const lazy = await import('../../src/deps.js');`,
        `import type { Clock } from '../../src/lib/clock.js';`,
        `import { y } from '../policy/y.js';`,
        `import pg from 'pg';`,
      ].join('\n'),
      'src/lib/pg/bad.ts': `import {\n  a,\n  b,\n} from '../../fu-auth/store/user-store.js';\nimport { c } from '../clock.js';`,
      'migrations/2026.bad.ts': `import { User } from '../src/db/models/user.js';\nimport type { Migration } from '../src/db/migrator.js';`,
    };
    expect(
      offenders({ 'proxy/http/bad.ts': fixtures['proxy/http/bad.ts'] }, PROXY_RULE),
    ).to.deep.equal([
      'proxy/http/bad.ts → src/db/sequelize.js',
      'proxy/http/bad.ts → src/cutover/ops.js',
      'proxy/http/bad.ts → src/deps.js',
    ]);
    expect(
      offenders({ 'src/lib/pg/bad.ts': fixtures['src/lib/pg/bad.ts'] }, LIB_RULE),
    ).to.deep.equal(['src/lib/pg/bad.ts → src/fu-auth/store/user-store.js']);
    expect(
      offenders({ 'migrations/2026.bad.ts': fixtures['migrations/2026.bad.ts'] }, MIGRATION_RULE),
    ).to.deep.equal(['migrations/2026.bad.ts → src/db/models/user.js']);
  });
});
