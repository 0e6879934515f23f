import { expect } from 'chai';
import type { ParsedBody } from '../../../../src/lib/http/body-reader.js';
import { emailOf, fieldOf } from '../../../../proxy/policy/identity.js';

const json = (value: unknown): ParsedBody => ({ kind: 'json', value });
const form = (fields: Record<string, string>): ParsedBody => ({ kind: 'form', fields });

describe('the e-mail a body names', () => {
  const cases: [string, ParsedBody, string | undefined][] = [
    ['a JSON string field', json({ email: 'ann@x.test' }), 'ann@x.test'],
    ['a form field', form({ email: 'ann@x.test' }), 'ann@x.test'],
    ['a JSON number', json({ email: 12 }), undefined],
    ['an empty string', json({ email: '' }), undefined],
    ['a JSON array body', json([{ email: 'ann@x.test' }]), undefined],
    ['an inherited property', json(JSON.parse('{"__proto__":{"email":"ann@x.test"}}')), undefined],
    ['text', { kind: 'other', text: 'email=ann@x.test' }, undefined],
    ['nothing', { kind: 'none' }, undefined],
  ];
  for (const [what, body, expected] of cases)
    it(`when the body holds ${what}, then ${String(expected)}`, () => {
      expect(fieldOf(body, 'email')).to.equal(expected);
    });

  it("when an EmailStr field holds a display name or exotic spaces, then the address the engine will use is the bucket's", () => {
    expect(emailOf(json({ email: 'Victor <victor@x.com>' }), 'email', 'email_str')).to.equal(
      'victor@x.com',
    );
    expect(emailOf(json({ email: '\u00a0victor@x.com\u2003' }), 'email', 'email_str')).to.equal(
      'victor@x.com',
    );
    expect(emailOf(json({ email: 'Victor <victor@x.com>' }), 'email', 'as_typed')).to.equal(
      'Victor <victor@x.com>',
    );
  });
});
