import type { Response } from 'express';
import type { AppError, ValidationIssue } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/codes.js';
import { sendJson } from './http/send.js';

/**
 * The `/fu_auth` wire format: `{"detail": …}`. Business errors carry their code (or, for password
 * policy errors, `{code, reason}`); auth errors carry only the HTTP reason phrase, as Starlette's
 * HTTPException does; 422 carries pydantic-shaped issues. Pinned by test/unit/fu-auth/render-error.
 */
const REASON_PHRASE: Partial<Record<ErrorCode, string>> = {
  NOT_AUTHENTICATED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not Found',
  METHOD_NOT_ALLOWED: 'Method Not Allowed',
  PAYLOAD_TOO_LARGE: 'Payload Too Large',
  SERVICE_UNAVAILABLE: 'Service Unavailable',
  INTERNAL: 'Internal Server Error',
};

/** Codes that only exist on other surfaces are internal errors here, never leaked as-is. */
const FOREIGN: ReadonlySet<ErrorCode> = new Set([
  'INVALID_CREDENTIALS',
  'WRONG_CURRENT_PASSWORD',
  'ACCOUNT_DISABLED',
  'EMAIL_TAKEN',
]);

export function fuErrorBody(error: AppError): { status: number; body: { detail: unknown } } {
  if (FOREIGN.has(error.code)) return { status: 500, body: { detail: 'Internal Server Error' } };
  if (error.code === 'VALIDATION_FAILED')
    return { status: 422, body: { detail: (error.details.issues ?? []).map(pydanticOrder) } };
  const phrase = REASON_PHRASE[error.code];
  if (phrase) return { status: error.status, body: { detail: phrase } };
  if (error.details.reason !== undefined)
    return {
      status: error.status,
      body: { detail: { code: error.code, reason: error.details.reason } },
    };
  return { status: error.status, body: { detail: error.code } };
}

/** pydantic's key order: type, loc, msg, input, ctx. */
function pydanticOrder(issue: ValidationIssue): ValidationIssue {
  return {
    type: issue.type,
    loc: issue.loc,
    msg: issue.msg,
    input: issue.input,
    ...(issue.ctx ? { ctx: issue.ctx } : {}),
  };
}

export function renderFuError(error: AppError, res: Response): void {
  const { status, body } = fuErrorBody(error);
  sendJson(res, status, body);
}
