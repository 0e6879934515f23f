import { expect } from 'chai';
import { readCookieValue } from '../../../../src/lib/http/cookies.js';

describe('readCookieValue (the cookie package)', () => {
  it('when a cookie appears twice, then the first occurrence wins', () => {
    expect(readCookieValue('a=1; crm.sid=first; crm.sid=second', 'crm.sid')).to.equal('first');
  });

  it('when a value is quoted or percent-encoded, then it comes back plain', () => {
    expect(readCookieValue('crm.sid="s%3Aabc.def"', 'crm.sid')).to.equal('s:abc.def');
    expect(readCookieValue('x=%E0%A4%A', 'x'), 'a broken escape stays as sent').to.equal(
      '%E0%A4%A',
    );
  });

  it('when the cookie is absent or the header is, then there is no value (not even inherited ones)', () => {
    expect(readCookieValue('a=1', 'crm.sid')).to.equal(undefined);
    expect(readCookieValue(undefined, 'crm.sid')).to.equal(undefined);
    expect(readCookieValue('a=1', 'constructor')).to.equal(undefined);
    expect(readCookieValue('constructor=x', 'constructor')).to.equal('x');
  });

  it('when headers alternate (the last parse is reused), then each read answers for its own header', () => {
    const a = 'crm.sid=one; other=1';
    const b = 'crm.sid=two';
    expect(readCookieValue(a, 'crm.sid')).to.equal('one');
    expect(readCookieValue(a, 'other')).to.equal('1');
    expect(readCookieValue(b, 'crm.sid')).to.equal('two');
    expect(readCookieValue(b, 'other')).to.equal(undefined);
    expect(readCookieValue(a, 'crm.sid')).to.equal('one');
  });
});
