import { ConfigError } from '../lib/config/env-config.js';

/**
 * Runs a command-line entry point: prints a clear one-screen error (never a stack for expected
 * failures such as bad configuration) and sets the exit code. Entry points own process.exit.
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof ConfigError) console.error(error.message);
      else if (error instanceof Error)
        console.error(
          `error: ${error.message}${error.cause ? `\n  cause: ${String((error.cause as Error).message ?? error.cause)}` : ''}`,
        );
      else console.error('error:', error);
      process.exit(1);
    },
  );
}
