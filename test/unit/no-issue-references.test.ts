/**
 * Code, tests and docs say what the behaviour is, not which tracker entry asked for it: an issue or
 * finding number means nothing to the next reader, and the specification they cite lives in
 * docs/design/, not outside the repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../helpers/readme.js';

const ROOTS = ['src', 'proxy', 'test', 'migrations', 'seeders', 'bench', 'docs', 'deploy'];
const FILES = ['README.md', 'Dockerfile', 'docker-compose.yml'];
const TEXT = /\.(ts|js|mjs|md|ya?ml|json|html|css)$/;

/** Where a text cites the tracker or a spec outside the repository. Upstream `#338` is fine. */
const CITATIONS = [
  /\b(?:issue|finding)s? \d/i,
  /\bDECISIONS(?:\.md)?\b/,
  /(?<![\w/])DESIGN\.md/,
  /\.\.\/shared\//,
];

function textFiles(): string[] {
  const found = ROOTS.flatMap((root) =>
    readdirSync(path.join(REPO_ROOT, root), { recursive: true, encoding: 'utf8' })
      .filter((file) => TEXT.test(file) && !file.split(path.sep).includes('node_modules'))
      .map((file) => path.join(root, file)),
  );
  return [...found, ...FILES];
}

function citations(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      CITATIONS.some((re) => re.test(line)) ? [`${i + 1}: ${line.trim()}`] : [],
    );
}

describe('no tracker or out-of-repository citations', () => {
  it('when a line cites an issue, a finding or the outside spec, then the check finds it', () => {
    const sample = [
      'fine: fastapi-users #338, docs/design/design.md',
      '// (issue 10, finding 4)',
      ' * see DECISIONS.md "Ops"',
      'spec: ../shared/DESIGN.md',
    ].join('\n');
    expect(citations(sample).map((hit) => hit.split(':')[0])).to.deep.equal(['2', '3', '4']);
  });

  it('when code, tests and docs are read, then none cites an issue, a finding or the outside spec', () => {
    const self = path.join('test', 'unit', 'no-issue-references.test.ts');
    const hits = textFiles()
      .filter((file) => file !== self)
      .flatMap((file) =>
        citations(readFileSync(path.join(REPO_ROOT, file), 'utf8')).map((hit) => `${file}:${hit}`),
      );
    expect(hits).to.deep.equal([]);
  });
});
