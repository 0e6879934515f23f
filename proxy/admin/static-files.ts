/**
 * The dashboard's files: our own plain ES modules and CSS from proxy/admin/public/ (read from the
 * source tree, also by the compiled server: no build step touches them), and the charting library (uPlot) straight from
 * node_modules, so nothing is fetched from a CDN and no front-end build step exists.
 * SECURITY: only names in the fixed table below are served (no path from the request ever reaches
 * the file system), each with its content type and `nosniff`; HTML pages carry a strict
 * Content-Security-Policy (scripts and styles from this origin only, no framing).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * `public/` beside this module when run from source; from `dist/proxy/admin/` the same folder of
 * the source tree (the image copies it), so `npm run build` stays plain `tsc`.
 */
const PUBLIC_DIR =
  [new URL('./public/', import.meta.url), new URL('../../../proxy/admin/public/', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('./public/', import.meta.url));
const require = createRequire(import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** URL path under /dashboard/ → file on disk. */
export const DASHBOARD_FILES: Readonly<Record<string, string>> = Object.freeze({
  'dashboard.css': `${PUBLIC_DIR}dashboard.css`,
  ...Object.fromEntries(
    [
      'main.js',
      'api.js',
      'charts.js',
      'format.js',
      'policy-panel.js',
      'controls.js',
      'migration-panel.js',
      'audit-panel.js',
      'dom.js',
    ].map((name) => [`js/${name}`, `${PUBLIC_DIR}js/${name}`]),
  ),
  'vendor/uPlot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'vendor/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
});

export const PAGES = { dashboard: `${PUBLIC_DIR}index.html`, login: `${PUBLIC_DIR}login.html` };

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

function typeOf(file: string): string {
  return TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
}

/** Serves the files above; each is read once, then kept in memory (they are small). */
export function createAssetServer() {
  const cache = new Map<string, Buffer>();
  async function load(file: string): Promise<Buffer> {
    const hit = cache.get(file);
    if (hit) return hit;
    const body = await readFile(file);
    cache.set(file, body);
    return body;
  }

  return {
    async sendFile(res: ServerResponse, file: string): Promise<void> {
      const body = await load(file);
      res.writeHead(200, {
        'content-type': typeOf(file),
        'content-length': body.length,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
    },

    /** An HTML page, optionally with `<!--slot-->` replaced by already-escaped markup. */
    async sendPage(
      res: ServerResponse,
      status: number,
      file: string,
      slot = '',
      headers: Record<string, string> = {},
    ): Promise<void> {
      const text = (await load(file)).toString('utf8').replace('<!--slot-->', slot);
      const body = Buffer.from(text);
      res.writeHead(status, {
        'content-type': TYPES['.html']!,
        'content-length': body.length,
        'cache-control': 'no-store',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
        'referrer-policy': 'same-origin',
        ...headers,
      });
      res.end(body);
    },
  };
}

export type AssetServer = ReturnType<typeof createAssetServer>;
