/**
 * The dashboard's files: our own plain ES modules and CSS from proxy/admin/public/assets/ (served
 * by express.static, read from the source tree, also by the compiled server: no build step
 * touches them), the two HTML pages of public/pages/ (sent by the dashboard's routes, never as
 * files), and the charting library (uPlot) straight from node_modules, so nothing is fetched from
 * a CDN and no front-end build step exists.
 * SECURITY: only the files that exist at start-up get a route (no other request path reaches
 * the file system), each with its content type and `nosniff`; HTML pages carry a strict
 * Content-Security-Policy (scripts and styles from this origin only, no framing).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response } from 'express';
import { methodNotAllowed } from './admin-errors.js';

/**
 * `public/` beside this module when run from source; from `dist/proxy/admin/` the same folder of
 * the source tree (the image copies it), so `npm run build` stays plain `tsc`.
 */
const PUBLIC_DIR =
  [new URL('./public/', import.meta.url), new URL('../../../proxy/admin/public/', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('./public/', import.meta.url));
const ASSETS_DIR = path.join(PUBLIC_DIR, 'assets');
const require = createRequire(import.meta.url);

/** Every file under assets/ as a path under /dashboard/, e.g. `js/main.js`. */
function assetNames(): string[] {
  return readdirSync(ASSETS_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ASSETS_DIR, path.join(entry.parentPath, entry.name)))
    .map((file) => file.split(path.sep).join('/'));
}

/** The charting library's files, under /dashboard/ → in node_modules. */
const VENDOR_FILES: Readonly<Record<string, string>> = {
  'vendor/uPlot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'vendor/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};

/** Path under /dashboard/ → file on disk: everything the page loads (listed once, at start-up). */
export const DASHBOARD_FILES: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(assetNames().map((name) => [name, path.join(ASSETS_DIR, name)])),
  ...VENDOR_FILES,
});

export const PAGES = {
  dashboard: path.join(PUBLIC_DIR, 'pages', 'index.html'),
  login: path.join(PUBLIC_DIR, 'pages', 'login.html'),
};

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const FILE_HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

/** A router (mounted at /dashboard) with one GET route per file the page loads. */
export function createAssetRouter(): express.Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const assets = express.static(ASSETS_DIR, {
    index: false,
    redirect: false,
    cacheControl: false,
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(FILE_HEADERS)) res.setHeader(name, value);
    },
  });
  for (const [name, file] of Object.entries(DASHBOARD_FILES)) {
    const route = router.route(`/${name}`);
    if (Object.hasOwn(VENDOR_FILES, name))
      route.get((_req, res) => res.sendFile(file, { cacheControl: false, headers: FILE_HEADERS }));
    else route.get(assets);
    route.all(methodNotAllowed);
  }
  return router;
}

/** Sends the HTML pages; each is read once, then kept in memory (they are small). */
export function createPageSender() {
  const cache = new Map<string, string>();
  async function load(file: string): Promise<string> {
    const hit = cache.get(file) ?? (await readFile(file, 'utf8'));
    cache.set(file, hit);
    return hit;
  }

  /** An HTML page, optionally with `<!--slot-->` replaced by already-escaped markup. */
  return async function sendPage(
    res: Response,
    status: number,
    file: string,
    slot = '',
    headers: Record<string, string> = {},
  ): Promise<void> {
    const text = (await load(file)).replace('<!--slot-->', slot);
    res
      .status(status)
      .set({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
        'referrer-policy': 'same-origin',
        ...headers,
      })
      .send(text);
  };
}

export type SendPage = ReturnType<typeof createPageSender>;
