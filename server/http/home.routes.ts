import { Router } from 'express';
import type { Container } from '../container.js';

export function homeRoutes(c: Pick<Container, 'connections' | 'config' | 'emulatorUrl'>, options: { demo: boolean }): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const companies = await c.connections.listCompanies();
    res.render('pages/home', {
      title: 'Duesense',
      demo: options.demo,
      environment: c.config.intuit.environment,
      emulatorUrl: c.emulatorUrl,
      companies,
    });
  });
  return router;
}
