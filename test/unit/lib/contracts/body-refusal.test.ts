import { expect } from 'chai';
import { ERROR_CODES } from '../../../../src/errors/codes.js';
import { refusalError, type BodyRefusal } from '../../../../src/lib/contracts/body-refusal.js';

describe('body refusals', () => {
  const refusals: BodyRefusal[] = [
    { reason: 'too_large' },
    { reason: 'aborted' },
    { reason: 'unsupported_encoding' },
    { reason: 'unsupported_charset' },
    { reason: 'invalid_json' },
    { reason: 'json_too_deep' },
    { reason: 'invalid_form' },
    { reason: 'repeated_field', field: 'email' },
  ];
  it('when a refusal is rendered, then its status is the registry status of its code (the proxy needs no registry)', () => {
    for (const refusal of refusals) {
      const { code, status } = refusalError(refusal);
      expect(status, refusal.reason).to.equal(ERROR_CODES[code].status);
    }
  });

  it('when a field is repeated, then the issue names it', () => {
    expect(
      refusalError({ reason: 'repeated_field', field: 'username' }).details.issues?.[0]?.loc,
    ).to.deep.equal(['body', 'username']);
  });
});
