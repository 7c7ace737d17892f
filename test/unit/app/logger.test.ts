import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, MAX_ERROR_MESSAGE } from '../../../server/logger.js';

describe('the logger', () => {
  it('cuts a huge error message (a failed query carries its whole SQL and rows) and keeps the error code', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const err = Object.assign(
      new Error(`insert into qbo_invoices values ${"('secret customer data'), ".repeat(10_000)}- SQLITE_BUSY`),
      { code: 'SQLITE_BUSY' },
    );
    logger.warn({ err }, 'sync failed');
    const logged = JSON.parse(lines[0]!) as { err: { message: string; code: string; stack: string } };
    expect(logged.err.code).toBe('SQLITE_BUSY');
    expect(logged.err.message.length).toBeLessThan(MAX_ERROR_MESSAGE + 50);
    expect(logged.err.message).toMatch(/more characters\]$/);
    expect(lines[0]!.length).toBeLessThan(5_000);
  });
});
