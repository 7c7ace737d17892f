import { Router } from 'express';
import type { Container } from '../container.js';
import { ValidationError } from '../errors.js';
import { requireCompany } from './middleware/tenant-context.js';

/** The company's outgoing email (kept here when no SMTP server is configured) and the digest switch. */
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
  router.post('/mailbox/digest', requireCompany, async (req, res) => {
    const body = req.body as { enabled?: string; to?: string };
    const to = (body.to ?? '').trim();
    if (to !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to))
      throw new ValidationError(`"${to}" is not an email address.`, [], {
        help: 'Leave it empty to send the digest to the owner.',
      });
    await c.digests.setPreferences(res.locals.company!.realmId, {
      enabled: body.enabled === '1',
      to: to === '' ? null : to,
    });
    res.redirect(303, '/mailbox');
  });
  return router;
}
