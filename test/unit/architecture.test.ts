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

/** Relative module specifiers of every import/export-from in a file, resolved to repo paths. */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => s.startsWith('.'));
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

describe('architecture', () => {
  it('when a proxy module imports repository code, then it is from proxy/ or src/lib/ only', () => {
    const files = sourceFiles('proxy');
    expect(files.length).to.be.greaterThan(10);
    const offenders = files.flatMap((file) =>
      localImports(file)
        .filter((target) => !target.startsWith('proxy/') && !target.startsWith('src/lib/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('when a src/lib module imports repository code, then it is from src/lib/ only (lib knows no component)', () => {
    const files = sourceFiles('src/lib');
    expect(files.length).to.be.greaterThan(5);
    const offenders = files.flatMap((file) =>
      localImports(file)
        .filter((target) => !target.startsWith('src/lib/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('when a migration imports repository code, then it never imports models (migrations outlive them)', () => {
    const files = [...sourceFiles('migrations'), ...sourceFiles('seeders')];
    const offenders = files.flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith('src/db/models/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('when the check meets a forbidden import, then it reports it (the rule can fail)', () => {
    const resolved = path.normalize(path.join('proxy/http', '../../src/db/sequelize.js'));
    expect(resolved.startsWith('src/lib/') || resolved.startsWith('proxy/')).to.equal(false);
  });
});
