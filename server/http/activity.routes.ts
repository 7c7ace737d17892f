import { Router } from 'express';
import type { Container } from '../container.js';
import { ValidationError } from '../errors.js';
import { ACTIVITY_KINDS, type ActivityEntry, type ActivityKind } from '../features/activity/activity-log.js';
import { requireCompany } from './middleware/tenant-context.js';
import { paramReader } from './query-params.js';

export const ACTIVITY_PAGE_SIZE = 50;
const STYLES = ['/assets/css/settings.css'];

/** Each kind in words, for the filter and the table. */
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  sync: 'Sync',
  score: 'Score run',
  write: 'Written to QuickBooks',
  email: 'Email',
  settings: 'Settings',
  customer: 'Customer action',
  connection: 'Connection',
};

const CUSTOMER_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** The customer an entry is about, if any (a link to the customer's page). */
export function customerOf(e: ActivityEntry): string | undefined {
  return e.customerId !== null && CUSTOMER_ID.test(e.customerId) ? e.customerId : undefined;
}

export function activityHref(s: { kind: ActivityKind | ''; before?: number }): string {
  const p = new URLSearchParams();
  if (s.kind) p.set('kind', s.kind);
  if (s.before !== undefined) p.set('before', String(s.before));
  const qs = p.toString();
  return qs ? `/activity?${qs}` : '/activity';
}

/** The activity log: every sync, score run, write, email, setting and customer action, newest first. */
export function activityRoutes(c: Pick<Container, 'activity'>): Router {
  const router = Router();
  router.get('/activity', requireCompany, async (req, res) => {
    const q = paramReader(req.query as Record<string, unknown>);
    const kind = q.pick('kind', ACTIVITY_KINDS, 'kind');
    const before = q.id('before', 'Before');
    if (q.problems.length > 0) {
      throw new ValidationError(`The activity log cannot show that. ${q.problems.join(' ')}`, q.problems, {
        help: 'Correct the address, or open Activity from the menu to see the newest entries.',
      });
    }
    const realmId = res.locals.company!.realmId;
    const rows = await c.activity.list(realmId, {
      ...(kind ? { kind } : {}),
      ...(before !== undefined ? { beforeId: before } : {}),
      limit: ACTIVITY_PAGE_SIZE + 1,
    });
    const entries = rows.slice(0, ACTIVITY_PAGE_SIZE);
    const older =
      rows.length > ACTIVITY_PAGE_SIZE ? activityHref({ kind, before: entries[entries.length - 1]!.id }) : undefined;
    res.render('pages/activity', {
      title: 'Activity',
      nav: 'activity',
      stylesheets: STYLES,
      entries,
      kind,
      before,
      older,
      newest: before !== undefined ? activityHref({ kind }) : undefined,
      kinds: ACTIVITY_KINDS.map((k) => ({ value: k, label: ACTIVITY_KIND_LABELS[k] })),
      kindLabel: ACTIVITY_KIND_LABELS,
      customerOf,
    });
  });
  return router;
}
