import { Router, type Request, type Response } from 'express';
import type { Container } from '../container.js';
import { ConnectError } from '../features/connections/connection-service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { actorOf, personLabel } from './actor.js';
import { loadTenant } from './middleware/tenant-context.js';
import { returnPath } from './return-to.js';
import { regenerateSession } from './session/session-middleware.js';

/** True when the signed-in user already has the company a callback names. */
function alreadyIn(res: Response, realmId: unknown): boolean {
  return (
    Boolean(res.locals.user) &&
    typeof realmId === 'string' &&
    res.locals.companies?.some((co) => co.realmId === realmId) === true
  );
}

/**
 * The OAuth code flow. "Connect to QuickBooks" and the App Store's Launch URL both send the browser to Intuit
 * with a fresh state bound to this browser's session; Intuit's redirect comes back to /oauth/callback.
 * Connecting signs the user in (OpenID), links them to the company and starts a new session id.
 */
export function connectRoutes(
  c: Pick<
    Container,
    | 'connections'
    | 'users'
    | 'clock'
    | 'logger'
    | 'sync'
    | 'syncStore'
    | 'risk'
    | 'activity'
    | 'config'
    | 'writebackRemoval'
  >,
  options: { syncOnConnect?: boolean } = {},
): Router {
  const router = Router();

  const startOAuth = (purpose: 'connect' | 'sign_in') => async (req: Request, res: Response) => {
    req.session.oauthPending = true; // makes express-session persist the session, so its id exists now
    const next = returnPath(req.query.next);
    if (next) req.session.returnTo = next;
    else delete req.session.returnTo;
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    res.redirect(303, await c.connections.beginConnect({ sessionId: req.sessionID, purpose }));
  };
  // Intuit's App Store "Get app now" lands on the Launch URL: Sign in with Intuit, which also connects.
  router.get('/launch', startOAuth('sign_in'));
  router.get('/connect', startOAuth('connect'));

  router.get('/oauth/callback', async (req, res) => {
    const connected = await c.connections
      .completeConnect(req.originalUrl, { sessionId: req.sessionID })
      .catch((err: unknown) => {
        // Reloading the callback after it worked: its state is spent, and the user is already in that company.
        if (err instanceof ConnectError && err.code === 'invalid_state' && alreadyIn(res, req.query.realmId))
          return undefined;
        throw err;
      });
    if (!connected) return res.redirect(303, '/dashboard');
    const { company, identity } = connected;
    const returnTo = req.session.returnTo;
    if (!identity) {
      throw new ConnectError(
        'identity_failed',
        'Intuit did not say who you are.',
        'Connect again; Duesense asks Intuit for your name and email to sign you in.',
      );
    }
    const now = c.clock.now();
    const user = await c.users.upsertFromIntuit(identity, now);
    await c.users.linkCompany(user.id, company.realmId, now);
    await c.activity.record(company.realmId, {
      actor: personLabel(user),
      kind: 'connection',
      summary: `Connected ${company.companyName} to Duesense`,
    });
    // A new session id on sign-in: a session id planted before login is worthless after it.
    await regenerateSession(req, { userId: user.id, realmId: company.realmId });
    // A company synced before (signing in again, reconnecting) only catches up on changes since its last sync.
    const lastSyncedAt = await c.syncStore.lastSucceededAt(company.realmId);
    if (options.syncOnConnect !== false) {
      // The sync (then scoring) starts now, in the background; the Sync page shows its progress.
      void c.sync
        .sync(company.realmId, { trigger: 'connect', actor: personLabel(user) })
        .then((run) =>
          run.status === 'succeeded'
            ? c.risk.score(company.realmId, { trigger: 'connect', actor: personLabel(user) })
            : undefined,
        )
        .catch((err: unknown) =>
          c.logger.warn(
            { err, realmId: company.realmId },
            'first sync after connecting failed; the nightly run will retry',
          ),
        );
    }
    if (returnTo) return res.redirect(303, returnTo);
    // The tenant context ran before signing in: load it again so the header shows the user, company and Sign out.
    await loadTenant(c, req, res);
    // This page itself says what the sync is doing; no connection banner repeats it.
    delete res.locals.connection;
    res.render('pages/connected', { title: 'Connected', company, lastSyncedAt });
  });

  router.post('/disconnect', async (req, res) => {
    const company = res.locals.company;
    if (!company) throw new NotFoundError('There is no connected company to disconnect.');
    const removeNotes = (req.body as { removeNotes?: unknown } | undefined)?.removeNotes === '1';
    // The removal needs the tokens: it runs first, in the background, and disconnects when it is done.
    if (removeNotes && company.status === 'connected') {
      const actor = actorOf(res);
      const removal = await c.writebackRemoval.start(company.realmId, { actor, companyName: company.companyName });
      if (removal.state === 'busy') return res.redirect(303, '/writeback?done=removal-busy#writeback-notice');
      if (removal.queued > 0) return res.redirect(303, `/writeback?done=removing&n=${removal.queued}#writeback-notice`);
      // Nothing to remove: the disconnect follows at once.
      await removal.finished;
      return res.redirect(303, '/?disconnected=1');
    }
    await c.connections.disconnect(company.realmId);
    await c.activity.record(company.realmId, {
      actor: actorOf(res),
      kind: 'connection',
      summary: `Disconnected ${company.companyName} (data kept; reconnect to resume syncing)`,
    });
    res.redirect(303, '/?disconnected=1');
  });

  // Intuit's Disconnect URL: the user disconnected Duesense from inside QuickBooks. Anyone can call it, so it
  // only triggers a probe (see confirmDisconnectedAtIntuit) and shows company details to that company's users.
  router.get('/intuit/disconnect', async (req, res) => {
    const realmId = typeof req.query.realmId === 'string' ? req.query.realmId : res.locals.company?.realmId;
    const user = res.locals.user;
    const linked = realmId !== undefined && res.locals.companies?.some((co) => co.realmId === realmId) === true;
    if (user && realmId !== undefined && !linked) throw new NotFoundError();
    const outcome = realmId ? await c.connections.confirmDisconnectedAtIntuit(realmId) : 'unknown_company';
    res.render('pages/disconnected', {
      title: 'Disconnected',
      outcome,
      company: linked ? await c.connections.getCompany(realmId!) : undefined,
    });
  });

  router.post('/companies/select', async (req, res) => {
    const realmId = (req.body as { realmId?: unknown }).realmId;
    if (typeof realmId !== 'string' || realmId === '') throw new ValidationError('Choose a company.');
    // Another company's id is answered exactly like a company that does not exist.
    if (!res.locals.user || !res.locals.companies?.some((co) => co.realmId === realmId)) throw new NotFoundError();
    req.session.realmId = realmId;
    res.redirect(303, '/');
  });

  router.post('/signout', async (req, res) => {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.redirect(303, '/');
  });
  return router;
}
