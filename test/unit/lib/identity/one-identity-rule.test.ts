import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return name.endsWith('.ts') ? [rel] : [];
  });
}

/**
 * "The same e-mail address" has one definition (src/lib/identity/canonical-email.ts, and
 * `authshift_canonical_email` in SQL). `lower(email)` and `email.toLowerCase()` are the old,
 * layer-dependent rules that let case and look-alike variants become a second account.
 */
const OLD_RULES = [
  /\blower\s*\(\s*(?:\w+\.)?"?email"?\s*\)/i,
  /\blower\s*\(\s*:\w*email\w*\s*\)/i,
  /\bemail\w*\.toLowerCase\(\)/i,
];

// The dedupe rule and preflight are being rewritten on the ops branch;
// remove these once that lands.
const PENDING_ELSEWHERE = new Set(['src/cutover/dedupe.ts', 'src/cutover/preflight.ts']);

describe('one identity rule', () => {
  it('when src/ or proxy/ compares e-mail addresses, then it never uses lower(email) or toLowerCase()', () => {
    const offenders = [...sourceFiles('src'), ...sourceFiles('proxy')]
      .filter((file) => !PENDING_ELSEWHERE.has(file))
      .flatMap((file) =>
        readFileSync(path.join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            OLD_RULES.some((rule) => rule.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(offenders).to.deep.equal([]);
  });
});
