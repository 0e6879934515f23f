import { EXIT, type ExitCode } from './exit-codes.js';

/** A failure a command explains itself: its message is printed as is, with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (unknown command or option, missing argument): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.usage, message);
    this.name = 'UsageError';
  }
}
