import type { Request, RequestHandler, Response } from 'express';
import type { Container } from '../../container.js';
import type { Company } from '../../features/connections/connection-store-type.js';
import type { User } from '../../features/users/user-store-type.js';
import { NotFoundError } from '../../errors.js';
import { signInPath } from '../return-to.js';

declare module 'express-serve-static-core' {
  interface Locals {
    user?: User;
    /** The selected company; company-scoped routes read only this, never a realm id from the request. */
    company?: Company;
    /** Companies the signed-in user may switch to. */
    companies?: Company[];
    /** The selected company's connection as every page shows it (head.ejs); absent without a company. */
    connection?: ConnectionState;
    /** The time zone every page shows times in: the selected company's, else DEFAULT_COMPANY_TIME_ZONE. */
    timeZone?: string;
  }
}

/**
 * What the header says of the selected company's connection. `connected` shows nothing; each other state shows
 * a banner with the one action that fixes it: Reconnect (`disconnected`, `needs_reauth`) or Watch the sync
 * (`first_sync`: connected, but no sync of the company has succeeded yet, so there is nothing to show).
 */
export interface ConnectionState {
  state: 'connected' | 'disconnected' | 'needs_reauth' | 'first_sync';
  /** When the last successful sync finished: the local copy is as of then. Null if none ever did. */
  lastSyncedAt: Date | null;
}

/** True when work that talks to QuickBooks (a sync) can run now. */
export function canReachQuickBooks(connection: ConnectionState | undefined): boolean {
  return connection?.state === 'connected' || connection?.state === 'first_sync';
}

/** Decided once per request from the company's status and its sync history. */
export async function connectionStateOf(c: Pick<Container, 'syncStore'>, company: Company): Promise<ConnectionState> {
  const lastSyncedAt = await c.syncStore.lastSucceededAt(company.realmId);
  if (company.status !== 'connected') return { state: company.status, lastSyncedAt };
  return { state: lastSyncedAt ? 'connected' : 'first_sync', lastSyncedAt };
}

/**
 * Loads the signed-in user, the companies they may open, the selected one and its connection state. A realm id
 * in the session that the user is no longer linked to is dropped, so a stale or forged session never reaches
 * another company's data.
 */
export function tenantContext(c: Pick<Container, 'users' | 'connections' | 'syncStore' | 'config'>): RequestHandler {
  return async (req, res, next) => {
    await loadTenant(c, req, res);
    next();
  };
}

/** The tenant context of the session as it is now; also run right after signing in, for the page that follows. */
export async function loadTenant(
  c: Pick<Container, 'users' | 'connections' | 'syncStore' | 'config'>,
  req: Request,
  res: Response,
): Promise<void> {
  // Times on every page are the company's local times (fmt.dateTime(at, timeZone)).
  res.locals.timeZone = c.config.sync.defaultCompanyTimeZone;
  const userId = req.session?.userId;
  if (!userId) return;
  const user = await c.users.get(userId);
  if (!user) {
    delete req.session.userId;
    delete req.session.realmId;
    return;
  }
  const companies = await c.connections.listCompanies(await c.users.realmIdsFor(user.id));
  res.locals.user = user;
  res.locals.companies = companies;
  const selected = companies.find((co) => co.realmId === req.session.realmId) ?? companies[0];
  if (selected) {
    res.locals.company = selected;
    res.locals.timeZone = selected.timeZone ?? c.config.sync.defaultCompanyTimeZone;
    res.locals.connection = await connectionStateOf(c, selected);
    req.session.realmId = selected.realmId;
  } else {
    delete req.session.realmId;
  }
}

/**
 * Company-scoped pages. A signed-out visitor is sent to sign in and brought back to the page afterwards; a
 * signed-in user without a company has nothing to see there (404, never another company).
 */
export const requireCompany: RequestHandler = (req, res, next) => {
  if (!res.locals.user && (req.method === 'GET' || req.method === 'HEAD'))
    return res.redirect(303, signInPath(req.originalUrl));
  if (!res.locals.company) return next(new NotFoundError('Connect a QuickBooks company first.'));
  next();
};
