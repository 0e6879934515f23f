import { domainToASCII, domainToUnicode } from 'node:url';
import validator from 'validator';
import { foldingProblem } from '../../lib/identity/canonical-email.js';
import { addressInInput } from '../../lib/identity/address-in-input.js';

/**
 * pydantic `EmailStr`, which is python-email-validator with `check_deliverability=False`:
 * the "pretty" `Name <addr>` form is accepted, surrounding whitespace stripped, the local part kept
 * as typed (NFC), the domain IDNA-normalised (lower-cased) and returned in Unicode. Failures carry
 * email-validator's own sentences, which pydantic echoes as `value is not a valid email address: …`.
 * validator.js is the final gate on the ASCII form, so nothing slips through that a maintained
 * validator rejects (it also refuses one-letter top-level domains, which do not exist).
 * @see https://github.com/pydantic/pydantic/blob/main/pydantic/networks.py (validate_email)
 * @see https://github.com/JoshData/python-email-validator/blob/main/email_validator/syntax.py
 */
export type EmailResult = { ok: true; email: string } | { ok: false; reason: string };

const MAX_INPUT_LENGTH = 2048;
const ATEXT = "a-zA-Z0-9_!#$%&'*+\\-/=?^`{|}~";
const DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const DOT_ATOM_INTL = new RegExp(
  `^[${ATEXT}\\u0080-\\u{10FFFF}]+(?:\\.[${ATEXT}\\u0080-\\u{10FFFF}]+)*$`,
  'u',
);
const SPECIAL_USE = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];

const fail = (reason: string): EmailResult => ({ ok: false, reason });
const tooMany = (n: number) => `(${n} character${n === 1 ? '' : 's'} too many)`;

export function normalizeEmail(input: string): EmailResult {
  if (input.length > MAX_INPUT_LENGTH)
    return fail(`Length must not exceed ${MAX_INPUT_LENGTH} characters`);
  const email = addressInInput(input);
  const at = email.lastIndexOf('@');
  if (at < 0) return fail('An email address must have an @-sign.');
  const local = localPart(email.slice(0, at));
  if (!local.ok) return local;
  const domain = domainPart(email.slice(at + 1));
  if (!domain.ok) return domain;
  const normalized = `${local.email}@${domain.email}`;
  const length = [...normalized].length;
  if (length > 254) return fail(`The email address is too long ${tooMany(length - 254)}.`);
  const ascii = `${local.email}@${domainToASCII(domain.email)}`;
  if (!validator.isEmail(ascii, { allow_utf8_local_part: true, require_tld: true }))
    return fail('The email address is not valid.');
  return { ok: true, email: normalized };
}

/**
 * An address an account may be given (register, e-mail change, the users CLI): what
 * `normalizeEmail` accepts, without a folding problem (src/lib/identity/canonical-email.ts),
 * judged on the address as it would be stored. A deliberate deviation from pydantic (one identity):
 * an address some layer would fold differently could not be told apart from another account's.
 */
export function registrableEmail(input: string): EmailResult {
  const result = normalizeEmail(input);
  if (!result.ok) return result;
  const problem = foldingProblem(result.email);
  return problem ? fail(problem) : result;
}

function localPart(raw: string): EmailResult {
  const local = raw.normalize('NFC');
  if (local.length === 0) return fail('There must be something before the @-sign.');
  const length = [...local].length;
  if (length > 64)
    return fail(`The email address is too long before the @-sign ${tooMany(length - 64)}.`);
  if (DOT_ATOM.test(local) || DOT_ATOM_INTL.test(local)) return { ok: true, email: local };
  const bad = [...new Set([...local].filter((c) => !DOT_ATOM_INTL.test(c) && c !== '.'))].sort();
  if (bad.length > 0)
    return fail(
      `The email address contains invalid characters before the @-sign: ${bad.map(display).join(', ')}.`,
    );
  if (local.startsWith('.')) return fail('An email address cannot start with a period.');
  if (local.endsWith('.'))
    return fail('An email address cannot have a period immediately before the @-sign.');
  return fail('An email address cannot have two periods in a row.');
}

function domainPart(raw: string): EmailResult {
  if (raw.length === 0) return fail('There must be something after the @-sign.');
  const bad = [...new Set([...raw].filter((c) => /[\s@"(),:;<>[\]\\]/u.test(c)))].sort();
  if (bad.length > 0)
    return fail(
      `The part after the @-sign contains invalid characters: ${bad.map(display).join(', ')}.`,
    );
  if (raw.startsWith('.'))
    return fail('An email address cannot have a period immediately after the @-sign.');
  if (raw.endsWith('.')) return fail('An email address cannot end with a period.');
  if (raw.includes('..')) return fail('An email address cannot have two periods in a row.');
  const ascii = domainToASCII(raw);
  if (ascii === '') return fail('The part after the @-sign is not valid IDNA.');
  for (const label of ascii.split('.')) {
    if (label.startsWith('-'))
      return fail('An email address cannot have a hyphen immediately after the @-sign.');
    if (label.endsWith('-')) return fail('An email address cannot end with a hyphen.');
    if (label.length > 63)
      return fail(
        `After the @-sign, periods cannot be separated by so many characters ${tooMany(label.length - 63)}.`,
      );
  }
  if (ascii.length > 253) return fail('The email address is too long after the @-sign.');
  if (!ascii.includes('.'))
    return fail('The part after the @-sign is not valid. It should have a period.');
  if (!/[a-z]$/i.test(ascii))
    return fail(
      'The part after the @-sign is not valid. It is not within a valid top-level domain.',
    );
  if (SPECIAL_USE.some((name) => ascii === name || ascii.endsWith(`.${name}`)))
    return fail(
      'The part after the @-sign is a special-use or reserved name that cannot be used with email.',
    );
  return { ok: true, email: domainToUnicode(ascii) };
}

/** email-validator shows whitespace and invisible characters by name rather than raw. */
function display(c: string): string {
  if (c === ' ') return 'SPACE';
  if (/\s/u.test(c)) return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(c);
}
