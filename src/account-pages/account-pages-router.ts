import express, { type Response } from 'express';
import {
  ACCOUNT_PAGES_SCRIPT,
  RESET_PASSWORD_PAGE,
  VERIFY_PAGE,
} from '../lib/contracts/account-pages.js';
import { RESET_PASSWORD_HTML, VERIFY_HTML } from './account-page-html.js';
import { ACCOUNT_SCRIPT } from './account-script.js';

/**
 * SECURITY: the pages hold a token in their URL. Scripts, requests and forms stay on this origin
 * and nothing inline runs; no Referer leaves the page (it would carry the token); nothing is
 * cached; no other site may frame the page.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function sendPage(res: Response, html: string): void {
  res
    .status(200)
    .set({
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
    })
    .send(html);
}

/** The built-in pages the reset and verification links open (GET; HEAD comes with it). */
export function createAccountPagesRouter(): express.Router {
  const router = express.Router();
  router.get(RESET_PASSWORD_PAGE, (_req, res) => sendPage(res, RESET_PASSWORD_HTML));
  router.get(VERIFY_PAGE, (_req, res) => sendPage(res, VERIFY_HTML));
  router.get(ACCOUNT_PAGES_SCRIPT, (_req, res) => {
    res
      .status(200)
      .set({ ...COMMON_HEADERS, 'content-type': 'text/javascript; charset=utf-8' })
      .send(ACCOUNT_SCRIPT);
  });
  return router;
}
