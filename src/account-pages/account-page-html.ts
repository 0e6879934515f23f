import { ACCOUNT_PAGES_SCRIPT } from '../lib/contracts/account-pages.js';

/**
 * The two pages' markup: static (nothing from the request is ever written into them), no inline
 * script or style, so the page's CSP can forbid both. The script reads the token in the browser.
 */
const page = (name: string, title: string, body: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${title}</title>
    <script src="${ACCOUNT_PAGES_SCRIPT}" defer></script>
  </head>
  <body data-page="${name}">
    <main>
      <h1>${title}</h1>
${body}
      <p id="status" role="status" aria-live="polite"></p>
    </main>
  </body>
</html>
`;

export const RESET_PASSWORD_HTML = page(
  'reset-password',
  'Choose a new password',
  `      <form id="form" hidden>
        <p>
          <label>New password <input type="password" name="password" autocomplete="new-password" required /></label>
        </p>
        <p>
          <label>Repeat it <input type="password" name="confirm" autocomplete="new-password" required /></label>
        </p>
        <button type="submit">Change the password</button>
      </form>`,
);

export const VERIFY_HTML = page(
  'verify',
  'Confirm your e-mail address',
  `      <form id="form" hidden>
        <button type="submit">Confirm my address</button>
      </form>`,
);
