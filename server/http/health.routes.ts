import { Router } from 'express';
import { migrationsAreCurrent } from '../db/knex.js';
import type { Container } from '../container.js';

/** /healthz: the process answers. /readyz: the database answers and its schema is current. */
export function healthRoutes(c: Pick<Container, 'db' | 'logger'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await c.db.raw('select 1');
      const current = await migrationsAreCurrent(c.db);
      if (!current) return void res.status(503).json({ status: 'not_ready', reason: 'database migrations are pending' });
      res.json({ status: 'ready' });
    } catch (err) {
      c.logger.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'not_ready', reason: 'database unavailable' });
    }
  });
  return router;
}
