/**
 * The one error registry: code → HTTP status and an operator-facing message. Domain code throws
 * `new AppError(CODE)` and never picks a status; each surface renders the code its own way
 * (legacy `{error}`, fastapi-users `{detail}`). fastapi-users' ErrorCode names are used verbatim.
 * @see https://github.com/fastapi-users/fastapi-users/blob/master/fastapi_users/router/common.py
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 422, message: 'The request is not valid.' },
  NOT_AUTHENTICATED: { status: 401, message: 'No valid session or credential.' },
  INVALID_CREDENTIALS: {
    status: 401,
    message: 'Unknown e-mail, wrong password or no password set.',
  },
  WRONG_CURRENT_PASSWORD: { status: 400, message: 'The current password is wrong.' },
  ACCOUNT_DISABLED: { status: 403, message: 'The account is disabled.' },
  EMAIL_TAKEN: { status: 409, message: 'The e-mail address is already registered.' },
  FORBIDDEN: { status: 403, message: 'Not allowed for this user.' },
  NOT_FOUND: { status: 404, message: 'No such resource.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this route.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body is compressed or not in UTF-8.',
  },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests; retry later.' },
  /** Starlette's bare `HTTPException(400)`: `{"detail":"Bad Request"}` on /fu_auth. */
  BAD_REQUEST: { status: 400, message: 'Bad request.' },
  INTERNAL: { status: 500, message: 'Internal error.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable.' },

  LOGIN_BAD_CREDENTIALS: { status: 400, message: 'Bad credentials or inactive user.' },
  LOGIN_USER_NOT_VERIFIED: { status: 400, message: 'The user is not verified.' },
  REGISTER_USER_ALREADY_EXISTS: { status: 400, message: 'A user with this e-mail exists.' },
  REGISTER_INVALID_PASSWORD: { status: 400, message: 'The password does not meet the policy.' },
  RESET_PASSWORD_BAD_TOKEN: { status: 400, message: 'The reset token is invalid.' },
  RESET_PASSWORD_INVALID_PASSWORD: {
    status: 400,
    message: 'The password does not meet the policy.',
  },
  VERIFY_USER_BAD_TOKEN: { status: 400, message: 'The verification token is invalid.' },
  VERIFY_USER_ALREADY_VERIFIED: { status: 400, message: 'The user is already verified.' },
  UPDATE_USER_EMAIL_ALREADY_EXISTS: { status: 400, message: 'A user with this e-mail exists.' },
  UPDATE_USER_INVALID_PASSWORD: { status: 400, message: 'The password does not meet the policy.' },
  OAUTH_NOT_AVAILABLE_EMAIL: { status: 400, message: 'The provider gave no usable e-mail.' },
  OAUTH_USER_ALREADY_EXISTS: {
    status: 400,
    message: 'Another account holds this e-mail or this provider account.',
  },
  OAUTH_INVALID_STATE: { status: 400, message: 'The OAuth CSRF cookie does not match the state.' },
  ACCESS_TOKEN_DECODE_ERROR: { status: 400, message: 'The OAuth state token is invalid.' },
  ACCESS_TOKEN_ALREADY_EXPIRED: { status: 400, message: 'The OAuth state token has expired.' },
  // Not a 5xx: the provider's outage is not this service failing (and must never look like one to
  // the rollout guard); the client can only try again later.
  OAUTH_PROVIDER_UNAVAILABLE: { status: 400, message: 'The OAuth provider cannot be reached.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
