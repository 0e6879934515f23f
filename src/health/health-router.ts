import express, { type Router } from 'express';
import type { Readiness } from './readiness.js';

/** `/healthz`: the process answers. `/readyz`: it can serve (database reachable, schema current). */
export function createHealthRouter(readiness: Readiness): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness();
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ready' : 'not_ready', ...report });
  });
  return router;
}
