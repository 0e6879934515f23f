import { expect } from 'chai';
import { AppError } from '../../../src/errors/app-error.js';
import type { ErrorCode } from '../../../src/errors/codes.js';
import { fuErrorBody } from '../../../src/fu-auth/render-error.js';

describe('fastapi-users error renderer', () => {
  const cases: [ErrorCode, number, unknown][] = [
    ['NOT_AUTHENTICATED', 401, 'Unauthorized'],
    ['FORBIDDEN', 403, 'Forbidden'],
    ['NOT_FOUND', 404, 'Not Found'],
    ['METHOD_NOT_ALLOWED', 405, 'Method Not Allowed'],
    ['TOO_MANY_REQUESTS', 429, 'TOO_MANY_REQUESTS'],
    ['INTERNAL', 500, 'Internal Server Error'],
    ['LOGIN_BAD_CREDENTIALS', 400, 'LOGIN_BAD_CREDENTIALS'],
    ['LOGIN_USER_NOT_VERIFIED', 400, 'LOGIN_USER_NOT_VERIFIED'],
    ['REGISTER_USER_ALREADY_EXISTS', 400, 'REGISTER_USER_ALREADY_EXISTS'],
    ['RESET_PASSWORD_BAD_TOKEN', 400, 'RESET_PASSWORD_BAD_TOKEN'],
    ['VERIFY_USER_BAD_TOKEN', 400, 'VERIFY_USER_BAD_TOKEN'],
    ['VERIFY_USER_ALREADY_VERIFIED', 400, 'VERIFY_USER_ALREADY_VERIFIED'],
    ['UPDATE_USER_EMAIL_ALREADY_EXISTS', 400, 'UPDATE_USER_EMAIL_ALREADY_EXISTS'],
    ['INVALID_CREDENTIALS', 500, 'Internal Server Error'],
  ];
  for (const [code, status, detail] of cases) {
    it(`when the code is ${code}, then ${status} {"detail":${JSON.stringify(detail)}}`, () => {
      expect(fuErrorBody(new AppError(code))).to.deep.equal({ status, body: { detail } });
    });
  }

  it('when a password-policy error has a reason, then detail is {code, reason}', () => {
    const error = new AppError('UPDATE_USER_INVALID_PASSWORD', { reason: 'too short' });
    expect(fuErrorBody(error)).to.deep.equal({
      status: 400,
      body: { detail: { code: 'UPDATE_USER_INVALID_PASSWORD', reason: 'too short' } },
    });
  });

  it('when validation failed, then 422 with issues in pydantic key order', () => {
    const error = new AppError('VALIDATION_FAILED', {
      issues: [{ loc: ['body', 'email'], input: {}, type: 'missing', msg: 'Field required' }],
    });
    const { status, body } = fuErrorBody(error);
    expect(status).to.equal(422);
    expect(JSON.stringify(body)).to.equal(
      '{"detail":[{"type":"missing","loc":["body","email"],"msg":"Field required","input":{}}]}',
    );
  });
});
