/**
 * The legacy wire format: `{"error": "<code>"}` (+ `fields` on 422). Existing clients parse exactly
 * these strings (docs/design/contracts/legacy.md). A pure function of the error, here in lib so that the proxy,
 * which answers some requests itself (an unreadable body), renders them byte for byte as the
 * monolith does. Pinned by test/unit/legacy-auth/render-error.test.ts.
 */
import type { RenderableError, ValidationIssue } from './validation-issue.js';

/** Registry code → the legacy `error` string; any code not listed is an internal error here. */
const LEGACY_ERROR: Readonly<Record<string, string>> = {
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
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  TOO_MANY_REQUESTS: 'too_many_requests',
  SERVICE_UNAVAILABLE: 'service_unavailable',
};

/** Express's `res.json`: what the legacy surface's JSON bodies are sent as. */
export const LEGACY_JSON_TYPE = 'application/json; charset=utf-8';

/** What a field gets in `fields`: the legacy API's words, not pydantic's. */
const FIELD_WORD: Readonly<Record<string, string>> = {
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

export function legacyErrorBody(error: RenderableError): {
  status: number;
  body: Record<string, unknown>;
} {
  const wire = Object.hasOwn(LEGACY_ERROR, error.code) ? LEGACY_ERROR[error.code] : undefined;
  if (!wire) return { status: 500, body: { error: 'internal_error' } };
  const body: Record<string, unknown> = { error: wire };
  if (error.code === 'VALIDATION_FAILED') body.fields = legacyFields(error.details.issues ?? []);
  return { status: error.status, body };
}
