import { Router, type Response } from 'express';
import type { Container } from '../container.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  ALERT_KINDS,
  ALERT_STATUSES,
  type AlertKind,
  type AlertStatus,
} from '../features/risk/risk-alert-store-type.js';
import { actorOf } from './actor.js';
import { requireCompany } from './middleware/tenant-context.js';
import { hrefWith, paramReader } from './query-params.js';

export const ALERTS_PAGE_SIZE = 50;
/** At most this many ids in one "Acknowledge all shown" (a page holds 50). */
const MAX_ACKNOWLEDGE = 200;
const STYLES = ['/assets/css/settings.css'];

export const ALERT_KIND_LABELS: Record<AlertKind, string> = { band_up: 'Riskier tier', rising: 'Rising score' };
const STATUS_LABELS: Record<AlertStatus, string> = { open: 'Open', acknowledged: 'Acknowledged', all: 'All' };

/** Messages after an action (a fixed set: nothing from the address is echoed). */
const NOTICES: Record<string, string> = {
  acknowledged: 'Alert acknowledged.',
  'acknowledged-all': 'The alerts shown are acknowledged.',
  'already-acknowledged': 'Nothing to do: already acknowledged.',
};

interface AlertsState {
  status: AlertStatus;
  kind: AlertKind | '';
  before?: number;
}

export function alertsHref(s: AlertsState, extra: Record<string, string> = {}): string {
  const status = s.status === 'open' ? undefined : s.status;
  return hrefWith('/alerts', { status, kind: s.kind, before: s.before, ...extra });
}

/** The page's state from the query string (or the same fields of a form); every problem answered at once with a 400. */
function readState(source: Record<string, unknown> | undefined, what: string): AlertsState {
  const q = paramReader(source);
  const status = q.pick('status', ALERT_STATUSES, 'status') || 'open';
  const kind = q.pick('kind', ALERT_KINDS, 'alert kind');
  const before = q.id('before', 'Before');
  if (q.problems.length > 0) {
    throw new ValidationError(`${what} ${q.problems.join(' ')}`, q.problems, {
      help: 'Open Alerts from the menu to start again with the open alerts.',
    });
  }
  return { status, kind, ...(before !== undefined ? { before } : {}) };
}

/**
 * Alerts raised by score runs: newest first, filtered by status and kind, acknowledged one by one or a page at once.
 */
export function alertsRoutes(c: Pick<Container, 'alertsPage'>): Router {
  const router = Router();

  router.get('/alerts', requireCompany, async (req, res) => {
    const state = readState(req.query as Record<string, unknown>, 'The alerts page cannot show that.');
    const realmId = res.locals.company!.realmId;
    const { rows, hasOlder, counts } = await c.alertsPage.page(realmId, {
      status: state.status,
      ...(state.kind ? { kind: state.kind } : {}),
      ...(state.before !== undefined ? { beforeId: state.before } : {}),
      limit: ALERTS_PAGE_SIZE,
    });
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    res.render('pages/alerts', {
      title: 'Alerts',
      nav: 'alerts',
      stylesheets: STYLES,
      state,
      rows,
      counts,
      notice: NOTICES[done],
      openShown: rows.filter((a) => a.acknowledgedAt === null).map((a) => a.id),
      older: hasOlder ? alertsHref({ ...state, before: rows[rows.length - 1]!.id }) : undefined,
      newest: state.before !== undefined ? alertsHref({ status: state.status, kind: state.kind }) : undefined,
      statusHref: (status: AlertStatus) => alertsHref({ status, kind: state.kind }),
      kinds: ALERT_KINDS.map((k) => ({ value: k, label: ALERT_KIND_LABELS[k] })),
      kindLabel: ALERT_KIND_LABELS,
      statuses: ALERT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
    });
  });

  const back = (res: Response, state: AlertsState, done: keyof typeof NOTICES) =>
    res.redirect(303, `${alertsHref(state, { done })}#alerts-notice`);

  router.post('/alerts/:id/acknowledge', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const raw = String(req.params.id);
    const alert = /^\d{1,15}$/.test(raw) ? await c.alertsPage.get(realmId, Number(raw)) : undefined;
    if (!alert) throw new NotFoundError('There is no such alert.');
    const state = readState(
      req.body as Record<string, unknown>,
      'The alert was not acknowledged: the form is not one Duesense sent.',
    );
    const done = await c.alertsPage.acknowledgeOne(realmId, alert, actorOf(res));
    back(res, state, done ? 'acknowledged' : 'already-acknowledged');
  });

  router.post('/alerts/acknowledge', requireCompany, async (req, res) => {
    const realmId = res.locals.company!.realmId;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { ids: rawIds, ...rest } = body;
    const state = readState(rest, 'The alerts were not acknowledged: the form is not one Duesense sent.');
    const list = rawIds === undefined ? [] : Array.isArray(rawIds) ? rawIds : [rawIds];
    if (list.length === 0)
      throw new ValidationError('Nothing was acknowledged: no alert was shown to acknowledge.', [], {
        help: 'Go back to Alerts and choose Acknowledge on an open alert.',
      });
    if (list.length > MAX_ACKNOWLEDGE)
      throw new ValidationError(
        `Nothing was acknowledged: ${list.length} alerts at once is more than the ${MAX_ACKNOWLEDGE} allowed.`,
      );
    if (!list.every((v) => typeof v === 'string' && /^\d{1,15}$/.test(v)))
      throw new ValidationError('Nothing was acknowledged: the list of alerts is not one Duesense sent.');
    const ids = [...new Set(list.map(Number))];
    // Other companies' ids and alerts already acknowledged are left alone by the store.
    const done = await c.alertsPage.acknowledgeMany(realmId, ids, actorOf(res));
    if (done.length === 0) return back(res, state, 'already-acknowledged');
    back(res, state, done.length === 1 ? 'acknowledged' : 'acknowledged-all');
  });

  return router;
}
