import { Router } from 'express';
import type { Container } from '../container.js';
import { requireCompany } from './middleware/tenant-context.js';

/**
 * The company's outgoing email (kept here when no SMTP server is configured), and whether the alert digest is on:
 * it is switched in one place, Settings, which this page links to.
 */
export function mailboxRoutes(c: Pick<Container, 'mail' | 'digests' | 'config'>): Router {
  const router = Router();
  router.get('/mailbox', requireCompany, async (_req, res) => {
    const realmId = res.locals.company!.realmId;
    res.render('pages/mailbox', {
      title: 'Mailbox',
      nav: 'mailbox',
      emails: await c.mail.list(realmId),
      digest: await c.digests.preferences(realmId),
      owner: await c.digests.ownerEmail(realmId),
      smtp: Boolean(c.config.mail.smtpUrl),
    });
  });
  return router;
}
