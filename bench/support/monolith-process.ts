import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForUrl } from '../../src/lib/http/wait-for-url.js';
import { freePort } from '../../test/helpers/processes.js';

/** The monolith as a real process (src/main.ts through tsx) on a free port, ready when /readyz is. */
export async function startMonolith(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = fork(
    fileURLToPath(new URL('../../src/main.ts', import.meta.url)),
    [],
    {
      // BENCH_CPU_PROF_DIR: a V8 CPU profile of the monolith under the benchmark's load.
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_CPU_PROF_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
          : []),
      ],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null;
  const ready = await waitForUrl(`${url}/readyz`, {
    timeoutMs: 60_000,
    intervalMs: 200,
    giveUp: exited,
  });
  if (exited()) throw new Error(`the monolith exited with ${child.exitCode}`);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error('the monolith did not become ready within 60 s');
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
