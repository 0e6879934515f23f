/**
 * SECURITY: a request URL as it may appear in a log line. The reset and verification e-mails put
 * their token in the query (`/reset-password?token=…`, `/verify?token=…`), and a token in a log
 * is a working credential for anyone who reads the log. Every parameter named like a token keeps
 * its name and loses its value; the path and the other parameters stay as the client sent them.
 */
// `code`, `state` and `code_verifier` are an OAuth callback's: a code and its state log a person in.
const CREDENTIAL_PARAM = /(^|_)(token|secret|password|code|key|signature|state|verifier)$/i;

export const REDACTED = '[redacted]';

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeName(eq < 0 ? pair : pair.slice(0, eq));
      return CREDENTIAL_PARAM.test(name)
        ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=${REDACTED}`
        : pair;
    })
    .join('&');
  // A fragment never reaches a server; if a client sends one anyway, it is not logged.
  return `${url.slice(0, q)}?${redacted}${hash < 0 ? '' : '#'}`;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim();
  } catch {
    return raw;
  }
}
