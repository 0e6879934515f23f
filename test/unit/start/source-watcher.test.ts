import { expect } from 'chai';
import { targetsOf, type WatchTarget } from '../../../src/cli/source-watcher.js';

const TARGETS: WatchTarget[] = [
  { name: 'monolith', dirs: ['src'] },
  { name: 'proxy', dirs: ['proxy', 'src/lib'] },
];

describe('npm run dev: which service a changed file restarts', () => {
  it('when app code changes, then only the monolith restarts', () => {
    expect(targetsOf('src/app.ts', TARGETS)).to.deep.equal(['monolith']);
  });

  it('when proxy code changes, then only the proxy restarts', () => {
    expect(targetsOf('proxy/http/handle-request.ts', TARGETS)).to.deep.equal(['proxy']);
  });

  it('when shared library code changes, then both restart', () => {
    expect(targetsOf('src/lib/http/serve.ts', TARGETS)).to.deep.equal(['monolith', 'proxy']);
  });

  it('when a file is no source (editor swap file, notes) or lies elsewhere, then nothing restarts', () => {
    for (const file of [
      'src/.app.ts.swp',
      'src/app.ts~',
      'src/notes.md',
      'test/x.test.ts',
      'srcx/a.ts',
    ])
      expect(targetsOf(file, TARGETS), file).to.deep.equal([]);
  });
});
