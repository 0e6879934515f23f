import { expect } from 'chai';
import { redactUrl } from '../../../../src/lib/http/redact-url.js';

describe('redactUrl', () => {
  it('when a reset or verification link is logged, then its token is redacted and the path kept', () => {
    expect(redactUrl('/reset-password?token=eyJ.abc.def')).to.equal(
      '/reset-password?token=[redacted]',
    );
    expect(redactUrl('/verify?token=eyJ.abc.def&lang=en')).to.equal(
      '/verify?token=[redacted]&lang=en',
    );
  });

  it('when any parameter is named like a credential, in any case or encoding, then its value is redacted', () => {
    expect(redactUrl('/x?access_token=a&Token=b&%74oken=c&api_key=d&page=2')).to.equal(
      '/x?access_token=[redacted]&Token=[redacted]&%74oken=[redacted]&api_key=[redacted]&page=2',
    );
  });

  it('when a token parameter has no value or a fragment follows, then nothing of it is logged', () => {
    expect(redactUrl('/verify?token')).to.equal('/verify?token=[redacted]');
    expect(redactUrl('/verify?token=abc#frag')).to.equal('/verify?token=[redacted]#');
  });

  it('when a URL has no query or ordinary parameters, then it is unchanged', () => {
    expect(redactUrl('/api/contacts')).to.equal('/api/contacts');
    expect(redactUrl('/api/contacts?page=2&q=%25')).to.equal('/api/contacts?page=2&q=%25');
  });
});
