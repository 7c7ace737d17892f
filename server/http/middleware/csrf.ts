import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../../errors.js';

export class CsrfError extends AppError {
  readonly httpStatus = 403;
  readonly code = 'csrf';
  constructor() {
    super('This form has expired or did not come from Duesense.', { help: 'Go back, reload the page and try again.' });
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Synchronizer-token CSRF protection: a random token per session, rendered into every form (`csrfToken`
 * in views) and required on every state-changing request, compared in constant time.
 */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    const sessionToken = (): string => {
      if (!req.session.csrfToken) req.session.csrfToken = randomBytes(24).toString('base64url');
      return req.session.csrfToken;
    };
    Object.defineProperty(res.locals, 'csrfToken', { get: sessionToken, enumerable: true, configurable: true });
    if (!UNSAFE.has(req.method)) return next();
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    const expected = req.session.csrfToken;
    if (
      typeof sent !== 'string' ||
      !expected ||
      sent.length !== expected.length ||
      !timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
    ) {
      return next(new CsrfError());
    }
    next();
  };
}
