import { Router } from 'express';

/** The EULA and privacy pages Intuit's app listing links to (app-manifest.json). */
export function legalRoutes(): Router {
  const router = Router();
  router.get('/legal/eula', (_req, res) => res.render('pages/legal-eula', { title: 'End-user licence agreement' }));
  router.get('/legal/privacy', (_req, res) => res.render('pages/legal-privacy', { title: 'Privacy policy' }));
  return router;
}
