import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** Unknown paths become a NotFoundError, rendered like every other error. */
export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/**
 * One place renders every error: typed errors with their status, message and help; anything else as a
 * 500 with an id the user can quote and the log can find. Never a 200 with an error inside.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = err instanceof AppError ? err : undefined;
    const status =
      appError?.httpStatus ??
      (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500);
    const id = appError?.id ?? crypto.randomUUID();
    if (status >= 500) logger.error({ err, errorId: id, path: req.path }, 'request failed');
    else logger.info({ errorId: id, code: appError?.code, path: req.path, status }, 'request rejected');
    const message =
      status >= 500 ? 'Something went wrong on our side.' : (appError?.message ?? 'The request could not be handled.');
    const help =
      status >= 500
        ? 'Try again in a moment. If it keeps happening, contact support and quote the error id.'
        : appError?.help;
    if (res.headersSent) return;
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json')
      return void res.json({
        error: { id, code: appError?.code ?? (status >= 500 ? 'internal' : 'bad_request'), message, help },
      });
    res.render('pages/error', { title: status === 404 ? 'Not found' : 'Error', status, message, help, errorId: id });
  };
}
