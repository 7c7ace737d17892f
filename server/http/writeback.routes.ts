import { Router, type Response } from 'express';
import type { Container } from '../container.js';
import { NotConnectedError, NotFoundError, ValidationError } from '../errors.js';
import { WRITEBACK_KINDS, type WritebackKind } from '../features/writeback/domain/entity-changes.js';
import { WRITEBACK_STATUSES, type WritebackStatus } from '../features/writeback/writeback-store-type.js';
import { actorOf } from './actor.js';
import { canReachQuickBooks, requireCompany } from './middleware/tenant-context.js';
import { hrefWith, paramReader } from './query-params.js';
import { KIND_WORDS, planCountsWords, plannedRow, STATUS_WORDS, writebackRow } from './writeback-view.js';

export const WRITEBACK_PAGE_SIZE = 50;
/** Planned customer writes the preview lists with their block; the rest are counted. */
export const PREVIEW_SHOWN = 50;
const STYLES = ['/assets/css/settings.css', '/assets/css/writeback.css'];

const count = (n: number | undefined, one: string, many = `${one}s`) =>
  `${(n ?? 0).toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Messages after an action (a fixed set: nothing from the address is echoed, except a validated count). */
const NOTICES: Record<string, (n: number | undefined) => string> = {
  queued: (n) =>
    n === 0
      ? 'Nothing new to queue: everything in the plan is written already or waiting. Anything waiting is being ' +
        'written now.'
      : `Queued ${count(n, 'write')} into QuickBooks. They are being written now, up to 30 in a request and 40 ` +
        'requests a minute; reload this page to see them finish.',
  retrying: () => 'The write is back in the queue and is being tried again now.',
  'not-failed': () => 'Nothing to retry: that write has not failed (it may have been retried already).',
  'removal-running': () =>
    'Nothing was queued: Duesense is removing its notes from QuickBooks before disconnecting the company.',
  removing: (n) =>
    `Duesense is removing its notes from ${count(n, 'customer')} in QuickBooks, in the background. The company is ` +
    'disconnected as soon as that is done; until then it stays connected, and the counts below show the progress. ' +
    'Activity records both.',
  'removal-busy': () =>
    'A removal of the Duesense notes is already under way; the company is disconnected as soon as it is done.',
};

interface PageState {
  status: WritebackStatus | '';
  kind: WritebackKind | '';
  before?: number;
}

export function writebackHref(s: PageState, extra: Record<string, string> = {}): string {
  return hrefWith('/writeback', { status: s.status, kind: s.kind, before: s.before, ...extra });
}

/** The page's state from the query string (or a form's hidden fields); every problem answered at once with a 400. */
function readState(source: Record<string, unknown> | undefined, what: string): PageState {
  const q = paramReader(source);
  const status = q.pick('status', WRITEBACK_STATUSES, 'status');
  const kind = q.pick('kind', WRITEBACK_KINDS, 'kind of write');
  const before = q.id('before', 'Before');
  if (q.problems.length > 0) {
    throw new ValidationError(`${what} ${q.problems.join(' ')}`, q.problems, {
      help: 'Open Write-back from the menu to start again with every write.',
    });
  }
  return { status, kind, ...(before !== undefined ? { before } : {}) };
}

/**
 * Write-back: whether nightly write-back is on, the outbox by status, what a run would write now, "Write into
 * QuickBooks now" (queued at once, written in the background) and the outbox list with Retry on failed rows.
 */
export function writebackRoutes(c: Pick<Container, 'writeback' | 'writebackRemoval' | 'activity' | 'logger'>): Router {
  const router = Router();

  router.get('/writeback', requireCompany, async (req, res) => {
    const state = readState(req.query as Record<string, unknown>, 'The Write-back page cannot show that.');
    const realmId = res.locals.company!.realmId;
    const [settings, counts, preview, rows, removing] = await Promise.all([
      c.writeback.settings(realmId),
      c.writeback.counts(realmId),
      c.writeback.preview(realmId),
      c.writeback.list(realmId, {
        ...(state.status ? { status: state.status } : {}),
        ...(state.kind ? { kind: state.kind } : {}),
        ...(state.before !== undefined ? { beforeId: state.before } : {}),
        limit: WRITEBACK_PAGE_SIZE + 1,
      }),
      c.writebackRemoval.inProgress(realmId),
    ]);
    const shown = rows.slice(0, WRITEBACK_PAGE_SIZE);
    const plan = preview.plan;
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const n = typeof req.query.n === 'string' && /^\d{1,7}$/.test(req.query.n) ? Number(req.query.n) : undefined;
    const customerWrites = plan.writes.filter((w) => w.targetType === 'Customer');
    res.render('pages/writeback', {
      title: 'Write-back',
      nav: 'writeback',
      stylesheets: STYLES,
      notice: NOTICES[done]?.(n),
      state,
      settings,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      removing,
      canWrite: canReachQuickBooks(res.locals.connection) && !removing,
      run: preview.run,
      plan,
      planWords: planCountsWords(plan),
      planned: customerWrites.slice(0, PREVIEW_SHOWN).map(plannedRow),
      rows: shown.map(writebackRow),
      older: rows.length > WRITEBACK_PAGE_SIZE ? writebackHref({ ...state, before: shown.at(-1)!.id }) : undefined,
      newest: state.before !== undefined ? writebackHref({ status: state.status, kind: state.kind }) : undefined,
      statuses: WRITEBACK_STATUSES.map((s) => ({ value: s, label: STATUS_WORDS[s] })),
      kinds: WRITEBACK_KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] })),
    });
  });

  const back = (res: Response, state: PageState, done: keyof typeof NOTICES, n?: number) =>
    res.redirect(
      303,
      `${writebackHref(state, { done, ...(n !== undefined ? { n: String(n) } : {}) })}#writeback-notice`,
    );

  /** Drains in the background: a big company's writes take minutes at QuickBooks' 40 batch requests a minute. */
  const drainLater = (realmId: string) =>
    void c.writeback
      .drain(realmId)
      .catch((err: unknown) => c.logger.error({ err, realmId }, 'write-back drain from the panel failed'));

  router.post('/writeback/run', requireCompany, async (_req, res) => {
    const company = res.locals.company!;
    if (!canReachQuickBooks(res.locals.connection)) throw new NotConnectedError(company.companyName, 'write into it');
    if (await c.writebackRemoval.inProgress(company.realmId))
      return back(res, { status: '', kind: '' }, 'removal-running');
    const actor = actorOf(res);
    const result = await c.writeback.enqueue(company.realmId, { mode: 'label', origin: 'panel', actor });
    await c.activity.record(company.realmId, {
      actor,
      kind: 'write',
      summary:
        `Chose Write into QuickBooks now: ${count(result.queued, 'write')} queued ` +
        `(${count(result.plan.counts.customerWrites, 'customer')}, ` +
        `${count(result.plan.counts.invoiceWrites, 'open invoice')} planned)`,
      detail: { queued: result.queued, counts: { ...result.plan.counts } },
    });
    drainLater(company.realmId);
    back(res, { status: '', kind: '' }, 'queued', result.queued);
  });

  router.post('/writeback/:id/retry', requireCompany, async (req, res) => {
    const company = res.locals.company!;
    const raw = String(req.params.id);
    // Another company's row is answered exactly like a row that does not exist.
    const row = /^\d{1,15}$/.test(raw) ? await c.writeback.get(company.realmId, Number(raw)) : undefined;
    if (!row) throw new NotFoundError('There is no such write.');
    const state = readState(
      req.body as Record<string, unknown>,
      'The write was not retried: the form is not one Duesense sent.',
    );
    if (!canReachQuickBooks(res.locals.connection)) throw new NotConnectedError(company.companyName, 'write into it');
    if (!(await c.writeback.retry(company.realmId, row.id, actorOf(res)))) return back(res, state, 'not-failed');
    drainLater(company.realmId);
    back(res, state, 'retrying');
  });

  return router;
}
