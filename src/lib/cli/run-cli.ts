import { ConfigError } from '../config/env-config.js';
import { isDatabaseUnreachable } from '../pg/database-unreachable.js';
import { errorMessage } from '../error-message.js';
import { CliError } from './cli-error.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { parseCommandLine, type ParsedCommandLine } from './parse-command-line.js';
import type { CliSpec } from './command-spec.js';

export type RunnableCommandLine = Extract<ParsedCommandLine, { kind: 'run' }>;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Stack traces are for whoever asked: `--debug` on the command line, or LOG_LEVEL=debug/trace. */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--debug') || env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
}

/**
 * The one conclusion of every command: its exit code, and for a failure one plain line on stderr
 * (a CliError's own message; for anything else `error: <message>`), never a stack trace unless
 * debugging was asked for.
 */
export function reportFailure(error: unknown, io: CliIo, debug: boolean): ExitCode {
  let code: ExitCode = EXIT.failed;
  if (error instanceof CliError) {
    code = error.exitCode;
    io.err(error.message);
  } else if (error instanceof ConfigError) io.err(error.message);
  else if (isDatabaseUnreachable(error)) {
    code = EXIT.interrupted;
    io.err(`error: the database is unreachable (${errorMessage(error)}); re-run once it is back`);
  } else io.err(`error: ${errorMessage(error)}`);
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  return code;
}

/**
 * Parses argv against the tool's description, prints the help when asked, and otherwise runs
 * `work` with the parsed command line, concluding it with reportFailure.
 */
export async function runCommandLine(
  spec: CliSpec,
  argv: readonly string[],
  work: (command: RunnableCommandLine) => Promise<number | void>,
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const debug = debugRequested(argv, env);
  try {
    const parsed = parseCommandLine(spec, [...argv]);
    if (parsed.kind === 'help') {
      (parsed.exitCode === EXIT.ok ? io.out : io.err)(parsed.text);
      return parsed.exitCode;
    }
    return (await work(parsed)) ?? EXIT.ok;
  } catch (error) {
    return reportFailure(error, io, debug);
  }
}

/** Entry points: run the command line of this process and exit with its code. */
export function runCli(
  spec: CliSpec,
  work: (command: RunnableCommandLine) => Promise<number | void>,
): void {
  void runCommandLine(spec, process.argv.slice(2), work).then((code) => process.exit(code));
}

/**
 * Entry points without a command line (the monolith, the proxy): run `main` until it resolves
 * and exit with its code; a failure is one plain line (stack with LOG_LEVEL=debug), exit 1.
 */
export function runMain(main: () => Promise<number | void>): void {
  const debug = debugRequested(process.argv, process.env);
  main().then(
    (code) => process.exit(code ?? EXIT.ok),
    (error: unknown) => process.exit(reportFailure(error, processIo, debug)),
  );
}
