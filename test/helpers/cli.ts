import { startProcess } from './processes.js';
import { TEST_ENV } from './test-deps.js';

/** Runs an npm CLI entry point (`src/cli/NAME.ts`) as a real process against `databaseUrl`. */
export async function runCliProcess(
  name: string,
  databaseUrl: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const proc = startProcess(`src/cli/${name}.ts`, { ...TEST_ENV, DATABASE_URL: databaseUrl }, args);
  const code = await proc.exited;
  return { code, output: proc.output() };
}
