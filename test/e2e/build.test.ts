import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { scratchDatabase } from '../helpers/database.js';
import { composeFile, kubernetesManifests, nodeEntries } from '../helpers/manifests.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * No Docker engine runs here, so the image itself cannot be built. What can be checked: the
 * Dockerfile's shape, and that what its CMD runs exists after `npm run build` and works, with
 * compiled migrations recording the same names as the TypeScript ones.
 */
describe('build and Dockerfile', function () {
  this.timeout(180_000);
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  let outDir: string;

  before(async () => {
    // A sibling of dist/ inside the project, so the compiled files resolve node_modules and the
    // source tree exactly as they do from dist/ in the image.
    outDir = await mkdtemp(path.join(ROOT, '.build-'));
    await run(
      path.join(ROOT, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.build.json', '--outDir', outDir],
      { cwd: ROOT },
    );
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  it('when the Dockerfile is read, then it is multi-stage on an LTS Node, non-root, with a /healthz check', () => {
    const froms = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(froms.length).to.be.at.least(2);
    for (const major of froms) expect(major % 2, 'even majors are the LTS lines').to.equal(0);
    expect(dockerfile).to.match(/npm ci --omit=dev/);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).to.be.a('string').and.not.equal('root');
    expect(dockerfile).to.match(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('when built, then every file the Dockerfile runs exists', () => {
    const runs = [...dockerfile.matchAll(/node (dist\/[\w/.-]+\.js)/g)].map((m) => m[1]!);
    expect(runs).to.include.members(['dist/src/cli/migrate.js', 'dist/src/main.js']);
    for (const file of runs)
      expect(existsSync(path.join(outDir, file.replace(/^dist\//, ''))), file).to.equal(true);
  });

  it('when built, then every `node dist/…js` the Kubernetes manifests and docker-compose run exists', () => {
    const commands = [
      ...JSON.stringify(kubernetesManifests()).matchAll(/"command":(\[[^\]]*\])/g),
    ].map((m) => JSON.parse(m[1]!) as string[]);
    const runs = [
      ...commands.flatMap(nodeEntries),
      ...Object.values(composeFile().services).flatMap((s) => nodeEntries(s.command)),
    ];
    expect(runs).to.include.members([
      'dist/src/main.js',
      'dist/proxy/main.js',
      'dist/src/cli/migrate.js',
    ]);
    for (const file of runs)
      expect(existsSync(path.join(outDir, file.replace(/^dist\//, ''))), file).to.equal(true);
  });

  it('when built, then the compiled admin server finds every dashboard file, and the image ships them', async () => {
    const compiled = (await import(
      pathToFileURL(path.join(outDir, 'proxy/admin/static-files.js')).href
    )) as {
      DASHBOARD_FILES: Record<string, string>;
    };
    const files = Object.values(compiled.DASHBOARD_FILES);
    expect(files.length).to.be.greaterThan(5);
    for (const file of files) expect(existsSync(file), file).to.equal(true);
    expect(dockerfile).to.match(/^COPY proxy\/admin\/public \.\/proxy\/admin\/public$/m);
  });

  it('when the compiled migrate CLI runs, then it applies the compiled migrations under the same names', async () => {
    const scratch = await scratchDatabase();
    try {
      const env = { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' };
      const cli = path.join(outDir, 'src/cli/migrate.js');
      await run(process.execPath, [cli, 'up'], { env });
      const { stdout } = await run(process.execPath, [cli, 'status'], { env });
      expect(stdout).to.contain('applied  2026.01.01T00.00.00.create-users');
      expect(stdout).to.match(/\d+ applied, 0 pending/);
      expect(stdout).not.to.match(/\.js\b/);
    } finally {
      await scratch.drop();
    }
  });
});
