/**
 * `npm start [-- --watch]` and `npm run dev` (= `--watch`). Parsed strictly by node's own
 * parser: an unknown option is refused with one line, not ignored.
 */
import { parseArgs } from 'node:util';
import { EXIT } from '../lib/cli/exit-codes.js';

export interface StartArgs {
  /** Restart a service when its code changes (`npm run dev`). */
  watch: boolean;
}

export const START_USAGE = `usage: npm start [-- --watch]   (npm run dev = npm start -- --watch)
  Runs the embedded PostgreSQL (unless DATABASE_URL is set), the monolith and the proxy, and
  keeps them up: a service that crashes is restarted; a stop signal to any of them stops all.
  --watch   restart the service whose code changed (src/ → monolith; proxy/, src/lib/ → proxy)
  --help    this text`;

/** The options, or the exit code when there is nothing to run (help, or a usage error). */
export function parseStartArgs(argv: string[]): StartArgs | number {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { watch: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(START_USAGE);
      return EXIT.ok;
    }
    return { watch: values.watch === true };
  } catch (error) {
    console.error(`npm start: ${(error as Error).message} (valid: --watch, --help)`);
    return EXIT.usage;
  }
}
