import { expect } from 'chai';
import { AppError } from '../../../src/errors/app-error.js';
import { legacyErrorBody, legacyFields } from '../../../src/legacy-auth/render-error.js';

describe('legacy error renderer', () => {
  const cases: [AppError, number, Record<string, unknown>][] = [
    [new AppError('INVALID_CREDENTIALS'), 401, { error: 'invalid_credentials' }],
    [new AppError('WRONG_CURRENT_PASSWORD'), 400, { error: 'invalid_credentials' }],
    [new AppError('ACCOUNT_DISABLED'), 403, { error: 'account_disabled' }],
    [new AppError('NOT_AUTHENTICATED'), 401, { error: 'not_authenticated' }],
    [new AppError('EMAIL_TAKEN'), 409, { error: 'email_taken' }],
    [new AppError('FORBIDDEN'), 403, { error: 'forbidden' }],
    [new AppError('NOT_FOUND'), 404, { error: 'not_found' }],
    [new AppError('INTERNAL'), 500, { error: 'internal_error' }],
    // A fastapi-users code reaching the legacy surface is a bug: it must not leak, so 500.
    [new AppError('LOGIN_BAD_CREDENTIALS'), 500, { error: 'internal_error' }],
    [
      new AppError('VALIDATION_FAILED', {
        issues: [{ type: 'missing', loc: ['body', 'email'], msg: 'Field required' }],
      }),
      422,
      { error: 'validation_failed', fields: { email: 'required' } },
    ],
  ];
  for (const [error, status, body] of cases) {
    it(`when the code is ${error.code}, then ${status} ${JSON.stringify(body)}`, () => {
      expect(legacyErrorBody(error)).to.deep.equal({ status, body });
    });
  }

  it('when several issues name one field, then the first one wins and nested paths are dotted', () => {
    expect(
      legacyFields([
        { type: 'string_too_short', loc: ['body', 'password'], msg: '', ctx: { min_length: 8 } },
        { type: 'value_error', loc: ['body', 'password'], msg: '' },
        { type: 'string_type', loc: ['body', 'address', 'city'], msg: '' },
        { type: 'json_invalid', loc: ['body'], msg: '' },
      ]),
    ).to.deep.equal({ password: 'too_short', 'address.city': 'invalid', body: 'invalid_json' });
  });
});
