import { returnPath } from './return-to.js';
import { Router } from 'express';
import type { Container } from '../container.js';
import { requireCompany } from './middleware/tenant-context.js';
import { writeTime } from './writeback-view.js';

/**
 * The landing page. Signed in with a selected company, "/" is the dashboard; signed out, without a company, or
 * right after disconnecting it, the landing page offers to connect.
 */
export function homeRoutes(
  c: Pick<Container, 'connections' | 'config' | 'emulatorUrl' | 'writebackRemoval'>,
  options: { demo: boolean },
): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const company = res.locals.company;
    if (res.locals.user && company && company.status !== 'disconnected') return res.redirect(302, '/dashboard');
    res.render('pages/home', {
      title: 'Duesense',
      demo: options.demo,
      emulatorUrl: c.emulatorUrl,
      tokenTimes: company ? await c.connections.tokenTimes(company.realmId) : undefined,
      justDisconnected: req.query.disconnected === '1',
      // A signed-out visitor sent here from a panel page signs in and comes back to it.
      next: res.locals.user ? undefined : returnPath(req.query.next),
    });
  });
  const removalOffer = async (realmId: string) => {
    const customers = await c.writebackRemoval.customersToClean(realmId);
    return {
      customers,
      minutes: writeTime(customers).minutes,
      inProgress: await c.writebackRemoval.inProgress(realmId),
    };
  };
  // The connection page: status and token lifetimes of the selected company only.
  router.get('/company', requireCompany, async (_req, res) => {
    const company = res.locals.company!;
    const connected = company.status === 'connected';
    res.render('pages/company', {
      title: company.companyName,
      nav: 'company',
      stylesheets: ['/assets/css/settings.css'],
      tokenTimes: await c.connections.tokenTimes(company.realmId),
      // The disconnect form offers to remove Duesense's notes from the customers that carry them.
      removal: connected ? await removalOffer(company.realmId) : undefined,
    });
  });
  return router;
}
