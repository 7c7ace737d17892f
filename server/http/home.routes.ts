import { Router } from 'express';
import type { Container } from '../container.js';
import { requireCompany } from './middleware/tenant-context.js';

/** The landing page (signed out) and the selected company's overview (signed in). */
export function homeRoutes(c: Pick<Container, 'connections' | 'config' | 'emulatorUrl'>, options: { demo: boolean }): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const company = res.locals.company;
    res.render('pages/home', {
      title: 'Duesense',
      demo: options.demo,
      emulatorUrl: c.emulatorUrl,
      tokenTimes: company ? await c.connections.tokenTimes(company.realmId) : undefined,
      justDisconnected: req.query.disconnected === '1',
    });
  });
  // The connection page: status and token lifetimes of the selected company only.
  router.get('/company', requireCompany, async (_req, res) => {
    const company = res.locals.company!;
    res.render('pages/company', { title: company.companyName, tokenTimes: await c.connections.tokenTimes(company.realmId) });
  });
  return router;
}
