import { Router } from 'express';
import type { Container } from '../container.js';

/**
 * The OAuth code flow: "Connect to QuickBooks" sends the browser to Intuit with a fresh state, and
 * Intuit's redirect comes back to /oauth/callback (code, state and realmId, or error=access_denied).
 */
export function connectRoutes(c: Pick<Container, 'connections' | 'config'>): Router {
  const router = Router();
  router.get('/connect', async (_req, res) => {
    res.redirect(303, await c.connections.beginConnect({ sessionId: null }));
  });
  router.get('/oauth/callback', async (req, res) => {
    const company = await c.connections.completeConnect(req.originalUrl, { sessionId: null });
    res.render('pages/connected', { title: 'Connected', company });
  });
  return router;
}
