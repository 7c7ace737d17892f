import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Container } from '../../container.js';
import { resolveSessionSecrets } from './session-secrets.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user (users.id), set only after Intuit confirmed who they are. */
    userId?: string;
    /** The company this session works on; every company-scoped query uses it. */
    realmId?: string;
    csrfToken?: string;
    /** Set before going to Intuit so the session exists (and its id can be bound to the OAuth state). */
    oauthPending?: boolean;
    /** The page a signed-out visitor asked for, opened again once Intuit has signed them in. */
    returnTo?: string;
  }
}

export const SESSION_COOKIE = 'duesense.sid';

/**
 * Database-backed sessions. The cookie is httpOnly, SameSite=Lax (Intuit's redirect back is a top-level
 * GET, which Lax allows) and Secure when the app is served over https.
 */
export function sessionMiddleware(c: Pick<Container, 'config' | 'sessions'>): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: resolveSessionSecrets(c.config),
    store: c.sessions,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: c.config.session.secureCookies,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: c.config.session.secureCookies,
      maxAge: c.config.session.ttlHours * 60 * 60 * 1000,
    },
  });
}

/** Replaces the session id (session fixation) while keeping nothing from the old session but what is given. */
export function regenerateSession(
  req: Parameters<RequestHandler>[0],
  keep: Partial<session.SessionData>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      Object.assign(req.session, keep);
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}
