import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear. Tokens and secrets never reach a log line; log intuit_tid
 * instead (Intuit support asks for it).
 */
export const REDACTED_PATHS = [
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'req.query.code',
  'req.query.state',
];

/** Longest error message logged: a failed knex query's message is its whole SQL, with every row's data in it. */
export const MAX_ERROR_MESSAGE = 1_000;

function serializeError(err: unknown): Record<string, unknown> {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack']) {
    const v = out[key];
    if (typeof v === 'string' && v.length > MAX_ERROR_MESSAGE)
      out[key] = `${v.slice(0, MAX_ERROR_MESSAGE)}… [${v.length - MAX_ERROR_MESSAGE} more characters]`;
  }
  return out;
}

export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  const base = {
    level: options.level,
    name: options.name ?? 'duesense',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** A logger that writes nothing: the default in tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
