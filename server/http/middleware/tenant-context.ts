import type { RequestHandler } from 'express';
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
    /** The time zone every page shows times in: the selected company's, else DEFAULT_COMPANY_TIME_ZONE. */
    timeZone?: string;
  }
}

/**
 * Loads the signed-in user, the companies they may open and the selected one. A realm id in the session
 * that the user is no longer linked to is dropped, so a stale or forged session never reaches another
 * company's data.
 */
export function tenantContext(c: Pick<Container, 'users' | 'connections' | 'config'>): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (!userId) return next();
    const user = await c.users.get(userId);
    if (!user) {
      delete req.session.userId;
      delete req.session.realmId;
      return next();
    }
    const realmIds = new Set(await c.users.realmIdsFor(user.id));
    const companies = (await c.connections.listCompanies()).filter((co) => realmIds.has(co.realmId));
    res.locals.user = user;
    res.locals.companies = companies;
    const selected = companies.find((co) => co.realmId === req.session.realmId) ?? companies[0];
    if (selected) {
      res.locals.company = selected;
      req.session.realmId = selected.realmId;
    } else {
      delete req.session.realmId;
    }
    // Times on every page are the company's local times (fmt.dateTime(at, timeZone)).
    res.locals.timeZone = res.locals.company?.timeZone ?? c.config.sync.defaultCompanyTimeZone;
    next();
  };
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
