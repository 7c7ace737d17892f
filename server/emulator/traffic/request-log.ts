import type { RequestHandler } from 'express';
import type { Clock } from '../../clock.js';

/** A request to the API or the OAuth server, as the emulator's log keeps it (control calls are not logged). */
export interface LoggedRequest {
  /** 1 for the emulator's first request, counting on (trimming the log does not renumber). */
  seq: number;
  method: string;
  path: string;
  at: Date;
  /** The HTTP status sent; undefined while the answer is in flight, or when the connection was dropped. */
  status?: number;
}

export interface RequestLog {
  /** Logs every request outside /emulator, and its status once the answer is sent. */
  middleware: RequestHandler;
  /** The recent requests (at least the last `size`), oldest first. */
  entries(): ReadonlyArray<LoggedRequest>;
}

export function createRequestLog(o: { clock: Clock; size?: number }): RequestLog {
  const size = o.size ?? 10_000;
  const log: LoggedRequest[] = [];
  let logged = 0;
  return {
    middleware(req, res, next) {
      if (!req.path.startsWith('/emulator')) {
        const entry: LoggedRequest = { seq: ++logged, method: req.method, path: req.path, at: o.clock.now() };
        res.once('finish', () => (entry.status = res.statusCode));
        log.push(entry);
        // Trimmed in batches: shifting 10,000 entries on every request would put O(n) work on the hot path.
        if (log.length >= 2 * size) log.splice(0, log.length - size);
      }
      next();
    },
    entries: () => log,
  };
}
