/**
 * Where the reset and verification e-mails send people: `PUBLIC_URL` + these paths, with
 * `?token=…`. The monolith serves a minimal page at each; an application with its own front end
 * points PUBLIC_URL at it and serves the same two paths there instead.
 */
export const RESET_PASSWORD_PAGE = '/reset-password';
export const VERIFY_PAGE = '/verify';
/** The one script both pages load (same origin, so a strict CSP allows it and nothing inline). */
export const ACCOUNT_PAGES_SCRIPT = '/account-pages/account.js';
