// `npm run build` step: tsc compiles TypeScript only, so the dashboard's static files (plain ES
// modules, HTML, CSS under proxy/admin/public/) are copied next to the compiled admin server.
// Usage: node scripts/copy-dashboard-files.mjs [OUT_DIR]   (default: dist)
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
cpSync(path.join(root, 'proxy/admin/public'), path.join(outDir, 'proxy/admin/public'), {
  recursive: true,
});
