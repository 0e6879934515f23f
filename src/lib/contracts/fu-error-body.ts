/**
 * The `/fu_auth` wire format: `{"detail": …}`. Business errors carry their code (or, for password
 * policy errors, `{code, reason}`); auth errors carry only the HTTP reason phrase, as Starlette's
 * HTTPException does; 422 carries pydantic-shaped issues. A pure function of the error, here in
 * lib so that the proxy renders its own answers (an unreadable body) exactly as the monolith does.
 * Pinned by test/unit/fu-auth/render-error.test.ts.
 */
import { boundedEcho } from './bounded-echo.js';
import type { RenderableError, ValidationIssue } from './validation-issue.js';

const REASON_PHRASE: Readonly<Record<string, string>> = {
  NOT_AUTHENTICATED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  BAD_REQUEST: 'Bad Request',
  NOT_FOUND: 'Not Found',
  METHOD_NOT_ALLOWED: 'Method Not Allowed',
  PAYLOAD_TOO_LARGE: 'Payload Too Large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported Media Type',
  SERVICE_UNAVAILABLE: 'Service Unavailable',
  INTERNAL: 'Internal Server Error',
};

/** Codes that only exist on other surfaces are internal errors here, never leaked as-is. */
const FOREIGN: ReadonlySet<string> = new Set([
  'INVALID_CREDENTIALS',
  'WRONG_CURRENT_PASSWORD',
  'ACCOUNT_DISABLED',
  'EMAIL_TAKEN',
]);

/** FastAPI's JSONResponse: `application/json` with no charset. */
export const FU_JSON_TYPE = 'application/json';

export function fuErrorBody(error: RenderableError): { status: number; body: { detail: unknown } } {
  if (FOREIGN.has(error.code)) return { status: 500, body: { detail: 'Internal Server Error' } };
  if (error.code === 'VALIDATION_FAILED')
    return { status: 422, body: { detail: (error.details.issues ?? []).map(pydanticOrder) } };
  const phrase = Object.hasOwn(REASON_PHRASE, error.code) ? REASON_PHRASE[error.code] : undefined;
  if (phrase) return { status: error.status, body: { detail: phrase } };
  if (error.details.reason !== undefined)
    return {
      status: error.status,
      body: { detail: { code: error.code, reason: error.details.reason } },
    };
  return { status: error.status, body: { detail: error.code } };
}

/**
 * pydantic's key order: type, loc, msg, input, ctx. What echoes the client's input (`input`, and
 * `msg`/`ctx`, which may quote it) is bounded (bounded-echo.ts).
 */
function pydanticOrder(issue: ValidationIssue): ValidationIssue {
  return {
    type: issue.type,
    loc: issue.loc,
    msg: boundedEcho(issue.msg) as string,
    input: boundedEcho(issue.input),
    ...(issue.ctx ? { ctx: boundedEcho(issue.ctx) as Record<string, unknown> } : {}),
  };
}
