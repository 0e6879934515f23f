/**
 * E-mail normalisation for the split: trim ASCII whitespace and lower-case ASCII letters only.
 * Unicode case mapping differs between JavaScript and PostgreSQL collations (`lower()` under the
 * C locale leaves non-ASCII letters alone), so ASCII-only is what lets the SQL function
 * `authshift_normalise_email` agree with this one byte for byte on every server.
 */
const EDGE_WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const ASCII_UPPER = /[A-Z]/g;

export function normaliseEmail(email: string): string {
  return email.replace(EDGE_WHITESPACE, '').replace(ASCII_UPPER, (c) => c.toLowerCase());
}

/** The domain of a normalised e-mail: what follows the last `@` ('' when there is none). */
export function emailDomain(normalised: string): string {
  const at = normalised.lastIndexOf('@');
  return at < 0 ? '' : normalised.slice(at + 1);
}

/** Normalises a cohort domain as typed by ops: `@Example.COM ` → `example.com`. */
export function normaliseDomain(domain: string): string {
  return normaliseEmail(domain).replace(/^@/, '');
}
