import type { Response } from 'express';
import type { User } from '../features/users/user-store-type.js';

/** How a signed-in person appears in the activity log: their name, else their email. */
export function personLabel(user: User | undefined): string {
  if (!user) return 'Someone signed out';
  const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
  return name || user.email || 'Signed-in user';
}

export const actorOf = (res: Response): string => personLabel(res.locals.user);
