/**
 * Every failure talking to Intuit is one of three kinds, and callers act on the kind only:
 * reconnect-needed (stop work for the company, show the reconnect banner), transient (retry with
 * backoff), permanent (record it, do not retry). Library error types never leave server/qbo/.
 */
export type QboErrorClass = 'reauth' | 'transient' | 'permanent';

export abstract class QboError extends Error {
  abstract readonly errorClass: QboErrorClass;

  constructor(
    message: string,
    readonly details: {
      status?: number;
      /** QBO Fault code ("5010", "3200") or OAuth error ("invalid_grant"). */
      code?: string;
      intuitTid?: string;
      /** Seconds the server asked us to wait (Retry-After), when it said. */
      retryAfterSec?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
  }

  get code(): string | undefined {
    return this.details.code;
  }

  get intuitTid(): string | undefined {
    return this.details.intuitTid;
  }
}

export class QboReauthRequired extends QboError {
  readonly errorClass = 'reauth' as const;
}

export class QboTransient extends QboError {
  readonly errorClass = 'transient' as const;
}

export class QboPermanent extends QboError {
  readonly errorClass = 'permanent' as const;
}
