import { Router } from 'express';
import type { Container } from '../container.js';

/** /healthz: the process answers. /readyz: the database answers and its schema is current. */
export function healthRoutes(c: Pick<Container, 'health'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { database, migrations } = await c.health.check();
    if (!database) return void res.status(503).json({ status: 'not_ready', reason: 'database unavailable' });
    if (!migrations)
      return void res.status(503).json({ status: 'not_ready', reason: 'database migrations are pending' });
    res.json({ status: 'ready' });
  });
  return router;
}
