import { Router, type Response } from 'express';
import type { Container } from '../container.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { REMINDER_STATUSES, type Reminder, type ReminderStatus } from '../features/reminders/reminder-store-type.js';
import { STATUS_IN_WORDS } from '../features/reminders/reminder-words.js';
import { actorOf } from './actor.js';
import { canReachQuickBooks, requireCompany } from './middleware/tenant-context.js';
import { hrefWith, paramReader } from './query-params.js';
import { byCustomer, heldRow, QUICKBOOKS_REMINDERS_ADVICE, QUICKBOOKS_WORDING, reminderRow } from './reminders-view.js';

/** The queue shows this many rows awaiting a person; the rest are counted (approve or skip some to see more). */
export const QUEUE_SHOWN = 200;
export const HISTORY_PAGE_SIZE = 50;
/** At most this many ids in one bulk form (more than the queue shows). */
const MAX_IDS = 1000;
const STYLES = ['/assets/css/settings.css', '/assets/css/writeback.css', '/assets/css/reminders.css'];

const count = (n: number | undefined, one: string, many = `${one}s`) =>
  `${(n ?? 0).toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Messages after an action (a fixed set: nothing from the address is echoed, except a validated count). */
const NOTICES: Record<string, (n: number | undefined, connected: boolean) => string> = {
  approved: (n, connected) =>
    n === 0
      ? 'Nothing was approved: those reminders were no longer waiting (someone may have decided already).'
      : `Approved ${count(n, 'reminder')}. ` +
        (connected
          ? 'They are being sent now, in the background (by QuickBooks, or by email where the customer’s strategy ' +
            'says so), each after a fresh read of its invoice from QuickBooks (a paid invoice is never reminded); ' +
            'reload this page to see them sent.'
          : 'They go once the company is reconnected to QuickBooks.'),
  skipped: (n) =>
    n === 0
      ? 'Nothing was skipped: those reminders were no longer waiting (someone may have decided already).'
      : `Skipped ${count(n, 'reminder')}: those stages will not be sent.`,
  'none-chosen': () => 'Nothing was done: choose at least one reminder first.',
  confirmed: (n) =>
    n === 0
      ? 'Nothing was marked sent: that reminder was no longer to review (someone may have decided already).'
      : `Marked ${count(n, 'reminder')} as sent, by you. Its line goes on the invoice in QuickBooks with the next ` +
        'write-back (within a minute).',
};

interface PageState {
  status: ReminderStatus | '';
  before?: number;
}

function remindersHref(s: PageState, extra: Record<string, string> = {}): string {
  return hrefWith('/reminders', { status: s.status, before: s.before, ...extra });
}

/** The page's state from the query string (or a form's hidden fields); every problem answered at once with a 400. */
function readState(source: Record<string, unknown> | undefined, what: string): PageState {
  const q = paramReader(source);
  const status = q.pick('status', REMINDER_STATUSES, 'status');
  const before = q.id('before', 'Before');
  if (q.problems.length > 0) {
    throw new ValidationError(`${what} ${q.problems.join(' ')}`, q.problems, {
      help: 'Open Reminders from the menu to start again.',
    });
  }
  return { status, ...(before !== undefined ? { before } : {}) };
}

/** The ids a bulk form sent (checkboxes named "id"): whole numbers only; anything else is a 400. */
function idsOf(body: Record<string, unknown> | undefined): number[] {
  const raw = body?.id;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_IDS || !list.every((v) => typeof v === 'string' && /^\d{1,15}$/.test(v)))
    throw new ValidationError('The reminders were not changed: the form is not one Duesense sent.', [], {
      help: 'Open Reminders from the menu to start again.',
    });
  return [...new Set(list.map(Number))];
}

/**
 * Reminders: the mode, the queue of reminders awaiting approval grouped by customer (approve or skip one by one or
 * in bulk, or approve all), what the plan holds back and why, what cannot be sent, and every reminder on record.
 */
export function reminderRoutes(c: Pick<Container, 'reminders' | 'logger'>): Router {
  const router = Router();

  router.get('/reminders', requireCompany, async (req, res) => {
    const state = readState(req.query as Record<string, unknown>, 'The Reminders page cannot show that.');
    const realmId = res.locals.company!.realmId;
    const [stored, counts, preview, waiting, toReview, history] = await Promise.all([
      c.reminders.policy(realmId),
      c.reminders.counts(realmId),
      c.reminders.preview(realmId),
      c.reminders.list(realmId, { status: 'awaiting_approval', limit: QUEUE_SHOWN }),
      c.reminders.list(realmId, { status: 'needs_review', limit: QUEUE_SHOWN }),
      c.reminders.list(realmId, {
        ...(state.status ? { status: state.status } : {}),
        ...(state.before !== undefined ? { beforeId: state.before } : {}),
        limit: HISTORY_PAGE_SIZE + 1,
      }),
    ]);
    // Oldest first in the queue: the order they were proposed in.
    const queueRows = waiting.map((r) => reminderRow(r, preview)).reverse();
    const toApprove = queueRows.filter((r) => r.reason === undefined && r.approvable);
    const heldRows = queueRows.filter((r) => r.reason !== undefined || !r.approvable);
    const shown = history.slice(0, HISTORY_PAGE_SIZE);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const n = typeof req.query.n === 'string' && /^\d{1,7}$/.test(req.query.n) ? Number(req.query.n) : undefined;
    const connected = canReachQuickBooks(res.locals.connection);
    const notReminded = (code: string) =>
      preview.plan.notReminded.filter((x) => x.reason.code === code).map((x) => heldRow(x, preview));
    res.render('pages/reminders', {
      title: 'Reminders',
      nav: 'reminders',
      stylesheets: STYLES,
      notice: NOTICES[done]?.(n, connected),
      state,
      policy: stored.policy,
      counts,
      connected,
      quickbooksWording: QUICKBOOKS_WORDING,
      quickbooksAdvice: QUICKBOOKS_REMINDERS_ADVICE,
      queue: byCustomer(toApprove),
      queueCount: toApprove.length,
      queueMore: Math.max(0, counts.awaiting_approval - waiting.length),
      held: byCustomer(heldRows),
      toReview: toReview.map((r) => reminderRow(r, preview)).reverse(),
      reviewCount: counts.needs_review,
      planHeld: notReminded('held'),
      noEmail: notReminded('no-email'),
      dueWords:
        preview.plan.due.length === 0
          ? 'No further reminder falls due on a run today.'
          : `${count(preview.plan.due.length, 'reminder')} would fall due on a run now ` +
            `(${stored.policy.mode === 'approval' ? 'into this queue' : 'sent'}); the nightly run adds them.`,
      rows: shown.map((r) => reminderRow(r, preview)),
      older: history.length > HISTORY_PAGE_SIZE ? remindersHref({ ...state, before: shown.at(-1)!.id }) : undefined,
      newest: state.before !== undefined ? remindersHref({ status: state.status }) : undefined,
      statuses: REMINDER_STATUSES.map((s) => ({ value: s, label: STATUS_IN_WORDS[s] })),
    });
  });

  const back = (res: Response, done: keyof typeof NOTICES, n?: number) =>
    res.redirect(
      303,
      `${remindersHref({ status: '' }, { done, ...(n !== undefined ? { n: String(n) } : {}) })}#notice`,
    );

  /** Sends in the background: each send reads the invoice fresh from QuickBooks first, one after another. */
  const sendLater = (res: Response) => {
    const realmId = res.locals.company!.realmId;
    if (!canReachQuickBooks(res.locals.connection)) return;
    void c.reminders
      .sendApproved(realmId)
      .catch((err: unknown) => c.logger.error({ err, realmId }, 'reminder send from the panel failed'));
  };

  const approve = async (res: Response, ids: number[]) => {
    const n = await c.reminders.approve(res.locals.company!.realmId, ids, actorOf(res));
    if (n > 0) sendLater(res);
    back(res, 'approved', n);
  };
  const skip = async (res: Response, ids: number[]) =>
    back(res, 'skipped', await c.reminders.skip(res.locals.company!.realmId, ids, actorOf(res)));

  /** A reminder to review, decided from the customer's page: back there, with what was done. */
  const backToCustomer = (
    res: Response,
    row: Reminder,
    done: 'reminder-confirmed' | 'reminder-review-skipped',
    n: number,
  ) =>
    res.redirect(
      303,
      `/customers/${encodeURIComponent(row.customerId)}?done=${n === 0 ? 'reminder-unchanged' : done}` +
        '#customer-reminders',
    );
  const fromCustomer = (body: unknown) => (body as Record<string, unknown> | undefined)?.from === 'customer';

  /** A row of this company, or a 404 exactly like a row that does not exist (another company's id included). */
  const ownRow = async (res: Response, raw: string) => {
    const row = /^\d{1,15}$/.test(raw) ? await c.reminders.get(res.locals.company!.realmId, Number(raw)) : undefined;
    if (!row) throw new NotFoundError('There is no such reminder.');
    return row;
  };

  router.post('/reminders/approve', requireCompany, async (req, res) => {
    const ids = idsOf(req.body as Record<string, unknown>);
    if (ids.length === 0) return back(res, 'none-chosen');
    await approve(res, ids);
  });
  router.post('/reminders/skip', requireCompany, async (req, res) => {
    const ids = idsOf(req.body as Record<string, unknown>);
    if (ids.length === 0) return back(res, 'none-chosen');
    await skip(res, ids);
  });
  /**
   * Every reminder waiting for a person (the email channel's only with an SMTP server: the service leaves them
   * otherwise); held ones (with a reason) are left to decide.
   */
  router.post('/reminders/approve-all', requireCompany, async (_req, res) => {
    const realmId = res.locals.company!.realmId;
    const waiting = await c.reminders.list(realmId, { status: 'awaiting_approval', limit: 10_000 });
    await approve(
      res,
      waiting.filter((r) => r.reason === null).map((r) => r.id),
    );
  });
  router.post('/reminders/:id/approve', requireCompany, async (req, res) => {
    await approve(res, [(await ownRow(res, String(req.params.id))).id]);
  });
  router.post('/reminders/:id/skip', requireCompany, async (req, res) => {
    const row = await ownRow(res, String(req.params.id));
    if (!fromCustomer(req.body)) return skip(res, [row.id]);
    backToCustomer(res, row, 'reminder-review-skipped', await c.reminders.skip(row.realmId, [row.id], actorOf(res)));
  });
  /** "It was sent": a person checked that a reminder to review (an interrupted email send) did go. */
  router.post('/reminders/:id/confirm-sent', requireCompany, async (req, res) => {
    const row = await ownRow(res, String(req.params.id));
    const n = await c.reminders.confirmSent(row.realmId, [row.id], actorOf(res));
    if (fromCustomer(req.body)) return backToCustomer(res, row, 'reminder-confirmed', n);
    back(res, 'confirmed', n);
  });

  return router;
}
