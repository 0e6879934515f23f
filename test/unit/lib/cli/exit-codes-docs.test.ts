import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { exitCodeTableMarkdown } from '../../../../src/lib/cli/exit-codes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('exit codes: one table, printed in the docs', () => {
  for (const doc of ['docs/runbook.md', 'docs/cutover.md', 'docs/errors.md'])
    it(`when ${doc} is read, then it holds the exit-code table exactly as the code defines it`, () => {
      const text = readFileSync(`${ROOT}${doc}`, 'utf8');
      expect(text).to.contain(exitCodeTableMarkdown().join('\n'));
    });
});
