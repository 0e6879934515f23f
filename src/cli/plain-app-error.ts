import { ERROR_CODES } from '../errors/codes.js';
import { isAppError } from '../errors/app-error.js';
import { CliError } from '../lib/cli/cli-error.js';
import { EXIT } from '../lib/cli/exit-codes.js';

/**
 * A domain error (AppError: a code from the registry) as a command-line failure in plain words:
 * the registry's message and the reason, e.g. "The password does not meet the policy: Password
 * should be at least 8 characters" instead of REGISTER_INVALID_PASSWORD. Anything else as is.
 */
export function plainAppError(error: unknown): unknown {
  if (!isAppError(error)) return error;
  const message = ERROR_CODES[error.code].message.replace(/\.$/, '');
  const reason = error.details.reason ?? error.details.issues?.map((i) => i.msg).join('; ');
  return new CliError(
    EXIT.failed,
    `error: ${message}${reason ? `: ${reason}` : ''} (${error.code})`,
    { cause: error },
  );
}
