import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import { buildOpenApiDocument } from './openapi-document.js';
import type { RouteSpec } from './openapi-routes.js';
import { sendJson } from '../http/send.js';

const require = createRequire(import.meta.url);
const swaggerUiDist = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

/**
 * `/openapi.json` and `/docs` (Swagger UI) as FastAPI serves them, with Swagger UI's files served
 * from the installed package instead of a CDN, so the docs work offline and behind strict networks.
 */
export function createDocsRouter(prefix: string, routes?: readonly RouteSpec[]): Router {
  const router = express.Router({ strict: true });
  const document = buildOpenApiDocument(prefix, routes);
  router.get('/openapi.json', (_req, res) => sendJson(res, 200, document));
  router.use('/docs/assets', express.static(swaggerUiDist.getAbsoluteFSPath(), { index: false }));
  router.get('/docs', (req, res) => {
    const base = `${req.baseUrl}`;
    res.type('html').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>authshift /fu_auth - Swagger UI</title>
<link rel="stylesheet" href="${base}/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: '${base}/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
</script>
</body>
</html>
`);
  });
  return router;
}
