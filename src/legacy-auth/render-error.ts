import type { Response } from 'express';
import type { AppError, ValidationIssue } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/codes.js';

/**
 * The legacy wire format: `{"error": "<code>"}` (+ `fields` on 422). Pinned by tests: existing
 * clients parse exactly these strings (contracts/legacy.md).
 */
const LEGACY_ERROR: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'validation_failed',
  NOT_AUTHENTICATED: 'not_authenticated',
  INVALID_CREDENTIALS: 'invalid_credentials',
  WRONG_CURRENT_PASSWORD: 'invalid_credentials',
  ACCOUNT_DISABLED: 'account_disabled',
  EMAIL_TAKEN: 'email_taken',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  METHOD_NOT_ALLOWED: 'not_found',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  TOO_MANY_REQUESTS: 'too_many_requests',
  SERVICE_UNAVAILABLE: 'service_unavailable',
};

/** What a field gets in `fields`: the legacy API's words, not pydantic's. */
const FIELD_WORD: Record<string, string> = {
  missing: 'required',
  string_too_short: 'too_short',
  string_too_long: 'too_long',
  email_invalid: 'invalid_email',
  json_invalid: 'invalid_json',
};

export function legacyFields(issues: ValidationIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const name = issue.loc.slice(1).join('.') || 'body';
    // An empty string where a value is required reads as "required", as legacy clients expect.
    const empty = issue.type === 'string_too_short' && issue.ctx?.min_length === 1;
    fields[name] ??= empty ? 'required' : (FIELD_WORD[issue.type] ?? 'invalid');
  }
  return fields;
}

export function legacyErrorBody(error: AppError): {
  status: number;
  body: Record<string, unknown>;
} {
  const wire = LEGACY_ERROR[error.code];
  if (!wire) return { status: 500, body: { error: 'internal_error' } };
  const body: Record<string, unknown> = { error: wire };
  if (error.code === 'VALIDATION_FAILED') body.fields = legacyFields(error.details.issues ?? []);
  return { status: error.status, body };
}

export function renderLegacyError(error: AppError, res: Response): void {
  const { status, body } = legacyErrorBody(error);
  res.status(status).json(body);
}
