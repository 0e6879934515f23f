/**
 * The one definition of "the same e-mail address", shared by both engines, the facade, the proxy's
 * bucket, the rate-limit keys, dedupe, preflight and SQL (`authshift_canonical_email`, created by
 * migrations/2026.05.01T00.00.00.canonical-email.ts, is the same function; a property test pins
 * the two together).
 *
 * The canonical form of an address:
 * 1. ASCII whitespace (space, tab, CR, LF) at either end is removed;
 * 2. the whole string is put in Unicode NFC (so `K` U+212A KELVIN SIGN becomes `K`);
 * 3. the part before the last `@` has its ASCII letters lower-cased, nothing else;
 * 4. each dot-separated label after it has its ASCII letters lower-cased, and a label that still
 *    holds non-ASCII characters is written in Punycode (`bücher` → `xn--bcher-kva`), so an IDN
 *    domain and its `xn--` spelling are one address.
 *
 * Only ASCII letters are folded because that is the only case mapping every layer computes the
 * same way: JavaScript, Python and PostgreSQL (whose `lower()` depends on the database's locale)
 * disagree on letters such as `İ` U+0130. Addresses whose non-ASCII letters another layer would
 * fold are refused at registration instead (see `foldingProblem`), so for every address an engine
 * creates, "same canonical form" and "same address to any layer" coincide.
 */
import { domainToASCII } from 'node:url';
import punycode from 'punycode/punycode.js';

const EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const ASCII_UPPER = /[A-Z]/g;
const NON_ASCII = /[\u0080-\u{10ffff}]/u;

const asciiLower = (text: string) => text.replace(ASCII_UPPER, (c) => c.toLowerCase());

function canonicalLabel(label: string): string {
  const lower = asciiLower(label);
  return NON_ASCII.test(lower) ? `xn--${punycode.encode(lower)}` : lower;
}

export function canonicalEmail(address: string): string {
  const text = address.replace(EDGE_WHITESPACE, '').normalize('NFC');
  const at = text.lastIndexOf('@');
  if (at < 0) return asciiLower(text);
  const domain = text
    .slice(at + 1)
    .split('.')
    .map(canonicalLabel)
    .join('.');
  return `${asciiLower(text.slice(0, at))}@${domain}`;
}

/** The domain of a canonical address: what follows the last `@` ('' when there is none). */
export function canonicalDomain(canonical: string): string {
  const at = canonical.lastIndexOf('@');
  return at < 0 ? '' : canonical.slice(at + 1);
}

/** A cohort domain as ops type it: `@Bücher.DE ` → `xn--bcher-kva.de`. */
export function canonicalCohortDomain(domain: string): string {
  const text = domain.replace(EDGE_WHITESPACE, '').normalize('NFC').replace(/^@/, '');
  // Not a domain (the caller's validation says so); kept recognisable rather than cut at the @.
  if (text.includes('@')) return asciiLower(text);
  return text.split('.').map(canonicalLabel).join('.');
}

// Unassigned, control, format, private-use and surrogate code points: their normalisation and
// case mapping depend on the Unicode version of each layer.
const UNSTABLE_CODE_POINT = /[\p{Cn}\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const ASCII_LETTER = /[A-Za-z]/;

/** A non-ASCII character that some layer folds to something else, or that has no stable meaning. */
function foldsElsewhere(c: string): boolean {
  if (UNSTABLE_CODE_POINT.test(c)) return true;
  if (c.normalize('NFKC') !== c) return true; // fullwidth `Ａ`, ligatures, compatibility forms
  if (c.toLowerCase() !== c) return true; // upper- and title-case letters: `İ`, `É`
  // Lower-case letters whose upper case is ASCII fold into ASCII under case-insensitive
  // comparison in some layers: `ı` → `I`, `ſ` → `S`.
  return ASCII_LETTER.test(c.toUpperCase());
}

/**
 * Why an address cannot be registered under the one-identity rule, or null when it can. An
 * address is refused when its canonical form would not be what every layer takes it to be: a
 * non-ASCII letter that some layer would fold (upper case, compatibility forms, `ı`), a quoted local
 * part (the same mailbox as its unquoted content), a character
 * whose meaning depends on the Unicode version, or a domain that IDNA (UTS #46) would spell
 * differently from the canonical form. `address` is the address as it would be stored.
 */
export function foldingProblem(address: string): string | null {
  const text = address.replace(EDGE_WHITESPACE, '');
  if (text.normalize('NFC') !== text) return 'The email address is not in Unicode NFC form.';
  const at = text.lastIndexOf('@');
  const local = at < 0 ? text : text.slice(0, at);
  // `"victor"@x.com` is the mailbox of `victor@x.com` (RFC 5321 compares the unquoted content),
  // yet another canonical form: it would be a second account for one mailbox. fastapi-users
  // (email-validator) refuses quoted local parts too.
  if (local.includes('"'))
    return 'The email address has a quoted part before the @-sign. Type it without quotes.';
  const odd = [...new Set([...local].filter((c) => NON_ASCII.test(c) && foldsElsewhere(c)))];
  if (odd.length > 0)
    return `The email address contains characters before the @-sign whose case is ambiguous: ${odd.map((c) => JSON.stringify(c)).join(', ')}. Type them in lower case or use ASCII.`;
  if (at < 0) return null;
  const domain = text.slice(at + 1);
  if ([...domain].some((c) => NON_ASCII.test(c) && UNSTABLE_CODE_POINT.test(c)))
    return 'The part after the @-sign contains characters with no stable meaning.';
  const canonical = canonicalDomain(canonicalEmail(text));
  if (domainToASCII(domain) !== canonical)
    return 'The part after the @-sign is not spelled the way IDNA spells it. Type the domain in lower case.';
  return null;
}
