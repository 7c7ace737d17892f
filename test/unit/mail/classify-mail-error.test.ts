import { describe, expect, it } from 'vitest';
import { classifyMailError } from '../../../server/features/mail/mail-transport.js';

// nodemailer's error shapes (dist/cjs/smtp-connection _formatError): a code, the system code it replaced, the SMTP
// command it answered, the server's reply code.
const err = (o: Record<string, unknown>) => Object.assign(new Error(String(o.message ?? 'failed')), o);

describe('classifyMailError', () => {
  it('When the connection is refused or the name does not resolve, then nothing was sent', () => {
    expect(classifyMailError(err({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }))).toMatchObject({
      delivery: 'not-sent',
      permanent: false,
    });
    expect(classifyMailError(err({ code: 'EDNS', command: 'CONN' })).delivery).toBe('not-sent');
    expect(classifyMailError(err({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }))).toMatchObject({
      delivery: 'not-sent',
      permanent: true,
    });
  });

  it('When the server answers a command with a refusal, then nothing was sent', () => {
    expect(classifyMailError(err({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }))).toMatchObject({
      delivery: 'not-sent',
      permanent: true,
      responseCode: 550,
    });
    expect(classifyMailError(err({ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }))).toMatchObject({
      delivery: 'not-sent',
      permanent: false,
    });
  });

  it('When the connection breaks or times out without a reply, then the message may have gone', () => {
    expect(classifyMailError(err({ code: 'ECONNECTION', command: 'CONN' })).delivery).toBe('unknown');
    expect(classifyMailError(err({ code: 'ETIMEDOUT', command: 'CONN' })).delivery).toBe('unknown');
    expect(classifyMailError(err({ code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' })).delivery).toBe(
      'unknown',
    );
    // A reply-looking remainder on a closing connection proves nothing.
    expect(classifyMailError(err({ code: 'ECONNECTION', responseCode: 250, command: 'CONN' })).delivery).toBe(
      'unknown',
    );
    expect(classifyMailError(new Error('anything else')).delivery).toBe('unknown');
  });
});
