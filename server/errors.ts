import { randomUUID } from 'node:crypto';

/**
 * Typed errors carry their HTTP status and a stable machine code; one error middleware renders them.
 * Each instance gets an id that appears both in the log and on the error page.
 */
export abstract class AppError extends Error {
  abstract readonly httpStatus: number;
  abstract readonly code: string;
  readonly id = randomUUID();
  /** What the user can do about it, shown under the message. */
  readonly help: string | undefined;

  constructor(message: string, options: { cause?: unknown; help?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.help = options.help;
  }
}

export class NotFoundError extends AppError {
  readonly httpStatus = 404;
  readonly code = 'not_found';
  constructor(message = 'The page or record you asked for does not exist.') {
    super(message);
  }
}

/** Work that talks to QuickBooks, asked for while the company is disconnected or needs reconnecting. */
export class NotConnectedError extends AppError {
  readonly httpStatus = 409;
  readonly code = 'not_connected';
  constructor(companyName: string, what = 'read from it') {
    super(`${companyName} is not connected to QuickBooks, so Duesense cannot ${what} now.`, {
      help: "Choose Reconnect, approve Duesense on Intuit's page, then sync again.",
    });
  }
}

export class ValidationError extends AppError {
  readonly httpStatus = 400;
  readonly code = 'validation_failed';
  constructor(
    message: string,
    readonly problems: string[] = [],
    options: { help?: string } = {},
  ) {
    super(message, options);
  }
}
