/** A failure to start that the operator can fix: printed as one line, without a stack trace. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * Turns "address already in use" and "permission denied" from listen() into a sentence that names the port and the
 * setting that moves it; other errors pass through unchanged.
 */
export function listenFailure(err: unknown, o: { what: string; host: string; port: number; setting: string }): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${o.host}:${o.port}`;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `${o.what} cannot listen on ${where}: the port is in use (is Duesense already running?). ` +
        `Stop the other process or choose another port with ${o.setting}=<port>.`,
      { cause: err },
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `${o.what} is not allowed to listen on ${where} (ports below 1024 need privileges). ` +
        `Choose another port with ${o.setting}=<port>.`,
      { cause: err },
    );
  }
  return err;
}

/** What a failed start prints: one line for a StartupError; the stack too only when DEBUG is set. */
export function startupFailureText(err: unknown, debug: boolean): string {
  if (err instanceof StartupError && !debug) return `Duesense failed to start: ${err.message}`;
  const text = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
  return `Duesense failed to start: ${text}`;
}
