import type { ValidationIssue } from '../lib/contracts/validation-issue.js';
import { statusOf, type ErrorCode } from './codes.js';

/** pydantic/FastAPI-shaped validation issue; the legacy surface maps it to `{fields}`. */
export type { ValidationIssue } from '../lib/contracts/validation-issue.js';

export interface AppErrorDetails {
  /** fastapi-users `{code, reason}` errors (password policy). */
  reason?: string;
  issues?: ValidationIssue[];
  /** Extra response headers a surface must send (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly details: AppErrorDetails = {},
  ) {
    super(code, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AppError';
    this.status = statusOf(code);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
