import { expect } from 'chai';
import { normalizeEmail } from '../../../src/fu-auth/validation/email-address.js';
import { parseId } from '../../../src/fu-auth/validation/parse-id.js';
import { passwordProblem } from '../../../src/fu-auth/validation/password-policy.js';

describe('fu-auth input rules', () => {
  describe('parseId (Python uuid.UUID)', () => {
    const id = '5016eede-6493-48fb-b82b-f31a6ca7dd55';
    for (const form of [id, id.toUpperCase(), id.replaceAll('-', ''), `{${id}}`, `urn:uuid:${id}`])
      it(`when the id is ${form}, then it parses to the canonical form`, () => {
        expect(parseId(form)).to.equal(id);
      });
    for (const bad of ['me', '', `${id}0`, id.replace('5', 'g'), 42, null])
      it(`when the id is ${JSON.stringify(bad)}, then it does not parse`, () => {
        expect(parseId(bad)).to.equal(null);
      });
  });

  describe('normalizeEmail (pydantic EmailStr)', () => {
    const ok: [string, string][] = [
      ['King.Arthur@CAMELOT.bt', 'King.Arthur@camelot.bt'],
      ['  spaced@example.com  ', 'spaced@example.com'],
      ['Bob Smith <Bob@Example.COM>', 'Bob@example.com'],
      ['"Quoted" <q@example.com>', 'q@example.com'],
      ['u@BÜCHER.de', 'u@bücher.de'],
      ["o'brien+tag@sub.example.org", "o'brien+tag@sub.example.org"],
    ];
    for (const [input, email] of ok)
      it(`when ${JSON.stringify(input)} is given, then it becomes ${email}`, () => {
        expect(normalizeEmail(input)).to.deep.equal({ ok: true, email });
      });
    const bad: [string, string][] = [
      ['nope', 'An email address must have an @-sign.'],
      ['a@localhost', 'The part after the @-sign is not valid. It should have a period.'],
      [
        'a@example.test',
        'The part after the @-sign is a special-use or reserved name that cannot be used with email.',
      ],
      [
        'a@x.local',
        'The part after the @-sign is a special-use or reserved name that cannot be used with email.',
      ],
      [
        'a@x.onion',
        'The part after the @-sign is a special-use or reserved name that cannot be used with email.',
      ],
      ['@example.com', 'There must be something before the @-sign.'],
      ['a@', 'There must be something after the @-sign.'],
      [
        'a b@example.com',
        'The email address contains invalid characters before the @-sign: SPACE.',
      ],
      ['.a@example.com', 'An email address cannot start with a period.'],
      ['a..b@example.com', 'An email address cannot have two periods in a row.'],
      [
        `${'a'.repeat(65)}@example.com`,
        'The email address is too long before the @-sign (1 character too many).',
      ],
    ];
    for (const [input, reason] of bad)
      it(`when ${JSON.stringify(input).slice(0, 40)} is given, then it is refused: ${reason}`, () => {
        expect(normalizeEmail(input)).to.deep.equal({ ok: false, reason });
      });
  });

  describe('passwordProblem', () => {
    const policy = { minLength: 8, forbidEmail: true };
    it('when the password is long enough and does not contain the e-mail, then no problem', () => {
      expect(passwordProblem(policy, 'long-enough', 'a@example.com')).to.equal(null);
    });
    it('when it is short in code points (not UTF-16 units), then the length reason', () => {
      expect(passwordProblem(policy, '😀😀😀😀😀😀😀', 'a@example.com')).to.equal(
        'Password should be at least 8 characters',
      );
    });
    it('when it contains the e-mail exactly, then the e-mail reason; a different case is allowed', () => {
      expect(passwordProblem(policy, 'xxa@example.comxx', 'a@example.com')).to.equal(
        'Password should not contain e-mail',
      );
      expect(passwordProblem(policy, 'xxA@EXAMPLE.COMxx', 'a@example.com')).to.equal(null);
    });
  });
});
