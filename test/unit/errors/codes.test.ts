import { expect } from 'chai';
import { AppError } from '../../../src/errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../../../src/errors/codes.js';
import { legacyErrorBody } from '../../../src/legacy-auth/render-error.js';
import { docTable, unquote } from '../../helpers/readme.js';

describe('error registry', () => {
  it('when docs/errors.md documents the error codes, then its table lists exactly the registry, with the same statuses', () => {
    const rows = docTable('docs/errors.md', 'error-codes');
    expect(rows.map((r) => unquote(r[0]!))).to.deep.equal(Object.keys(ERROR_CODES));
    for (const [code, status] of rows) {
      expect(Number(status), code).to.equal(ERROR_CODES[unquote(code!) as ErrorCode].status);
    }
  });

  it('when docs/errors.md names a legacy body, then the legacy renderer produces exactly it', () => {
    for (const [code, , legacy] of docTable('docs/errors.md', 'error-codes')) {
      if (legacy === '—') continue;
      const { body } = legacyErrorBody(new AppError(unquote(code!) as ErrorCode));
      expect(body.error, code).to.equal(unquote(legacy!));
    }
  });

  it('when an AppError is made, then its status comes from the registry', () => {
    expect(new AppError('EMAIL_TAKEN').status).to.equal(409);
    expect(new AppError('LOGIN_BAD_CREDENTIALS').status).to.equal(400);
  });
});
