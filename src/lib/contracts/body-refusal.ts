/**
 * Why the one body reader (src/lib/http/body-reader.ts) refuses a request body, and what that
 * means on the wire: the registry code, its status and the pydantic-shaped issue each surface
 * renders. The monolith throws these as AppErrors; the proxy renders them itself with the same
 * builders (legacy-error-body.ts, fu-error-body.ts), so the two answers are the same bytes.
 * The statuses are the registry's (src/errors/codes.ts); a unit test pins them together.
 */
import type { ValidationIssue } from './validation-issue.js';

export type BodyRefusal =
  | {
      reason:
        | 'too_large'
        | 'aborted'
        | 'unsupported_encoding'
        | 'unsupported_charset'
        | 'invalid_json'
        | 'json_too_deep'
        | 'invalid_form';
    }
  | { reason: 'repeated_field'; field: string };

export type RefusalCode = 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'VALIDATION_FAILED';

export interface RefusalError {
  code: RefusalCode;
  status: number;
  details: { issues?: ValidationIssue[] };
}

/** JSON nested deeper than this is refused before it is parsed into objects. */
export const JSON_DEPTH_LIMIT = 32;

const invalid = (issue: Omit<ValidationIssue, 'input'>): RefusalError => ({
  code: 'VALIDATION_FAILED',
  status: 422,
  details: { issues: [{ ...issue, input: {} }] },
});

export function refusalError(refusal: BodyRefusal): RefusalError {
  switch (refusal.reason) {
    case 'too_large':
      return { code: 'PAYLOAD_TOO_LARGE', status: 413, details: {} };
    case 'unsupported_encoding':
    case 'unsupported_charset':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, details: {} };
    case 'invalid_json':
      return invalid({ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' });
    case 'json_too_deep':
      return invalid({
        type: 'json_invalid',
        loc: ['body'],
        msg: 'JSON decode error',
        ctx: { error: `nested deeper than ${JSON_DEPTH_LIMIT} levels` },
      });
    case 'repeated_field':
      return invalid({
        type: 'value_error',
        loc: ['body', refusal.field],
        msg: 'Value error, the field is given more than once',
      });
    case 'invalid_form':
      return invalid({
        type: 'value_error',
        loc: ['body'],
        msg: 'There was an error parsing the body',
      });
    case 'aborted':
      return invalid({
        type: 'value_error',
        loc: ['body'],
        msg: 'The body was not sent completely',
      });
  }
}
