import { ConfigError } from '../../src/lib/config/env-config.js';

/**
 * Runs a proxy entry point: a clear one-screen error (no stack for bad configuration or a
 * usage mistake) and the exit code. Entry points own process.exit.
 */
export function runEntry(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof UsageError) console.error(error.message);
      else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}

export class UsageError extends Error {
  override name = 'UsageError';
}
