import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

const UNLOGGED = new Set(['/healthz', '/readyz']);

/** The path without its query string: queries may carry search text or OAuth codes. */
const pathOf = (req: { url?: string }) => (req.url ?? '').split('?')[0] ?? '';

/**
 * One short line per request at info (method, path, status, time); the headers and the rest of pino-http's detail
 * only when the level is debug or trace.
 */
export function requestLog(logger: Logger): RequestHandler {
  const detailed = logger.isLevelEnabled('debug');
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req) => UNLOGGED.has(pathOf(req)) },
    ...(detailed
      ? {}
      : {
          serializers: {
            // pino-http hands these its standard serialisations ({ id, method, url, headers… }, { statusCode… }).
            req: (req: { id?: unknown; method?: string; url?: string }) => ({
              id: req.id,
              method: req.method,
              path: pathOf(req),
            }),
            res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
          },
        }),
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(ms)} ms`,
  });
}
