import nodemailer from 'nodemailer';

/** A file sent with a message (a reminder's invoice PDF). */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMessage {
  from: string;
  /** One address, or several separated by commas (all in To:). */
  to: string;
  subject: string;
  text: string;
  /** Where the customer's reply goes (the company, not Duesense's sending address). */
  replyTo?: string | undefined;
  attachments?: readonly MailAttachment[] | undefined;
}

/** What became of one message: handed to the SMTP server, or kept in the app because no SMTP server is set. */
export interface SentMessage {
  transport: 'smtp' | 'local';
  /** 'sent': an SMTP server accepted it; 'kept': nothing left the machine. */
  status: 'sent' | 'kept';
  /** The Message-ID header nodemailer gave the message (null when kept). */
  messageId: string | null;
  /** Addresses the SMTP server accepted and refused (a message with some refused still went to the others). */
  accepted: string[];
  rejected: string[];
  /** The server's last reply ("250 OK: queued as …"), for the record. */
  response: string | null;
}

/** How a message leaves: SMTP when configured; otherwise it is kept in the app's mailbox and shown there. */
export interface MailTransport {
  kind: 'smtp' | 'local';
  /** The outcome; a transport that cannot tell (a test double) may return nothing. */
  send(message: OutgoingMessage): Promise<SentMessage | void>;
}

/**
 * The outcome of a send whose transport reports no details: 'kept' for the local transport, 'sent' for SMTP (no
 * message id known).
 */
export function unreportedResult(kind: MailTransport['kind']): SentMessage {
  const status = kind === 'smtp' ? 'sent' : 'kept';
  return { transport: kind, status, messageId: null, accepted: [], rejected: [], response: null };
}

/**
 * A failed SMTP send, sorted by what matters to a sender that must never send twice: `not-sent` when the failure
 * proves the message did not go (no connection, the server refused a command and said so), `unknown` when it may
 * have (the connection broke or timed out after the message was handed over). Only `not-sent` may be retried.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly delivery: 'not-sent' | 'unknown',
    /** The server refused for good (5xx): retrying the same message will not help. */
    readonly permanent: boolean,
    readonly responseCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailSendError';
  }
}

/** Failures that happen before a message can have been handed over. */
const BEFORE_THE_MESSAGE = new Set(['EDNS', 'EAUTH', 'EENVELOPE', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Sorts nodemailer's error into {@link MailSendError}. */
export function classifyMailError(err: unknown): MailSendError {
  if (err instanceof MailSendError) return err;
  const e = (err ?? {}) as {
    message?: string;
    code?: string;
    originalCode?: string;
    command?: string;
    responseCode?: number;
    permanent?: boolean;
  };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  // A reply to a command (the final one after the message included: "554 rejected") says it was not taken. A
  // reply-looking text on a closing connection ('CONN') proves nothing.
  const refused = responseCode !== null && e.command !== undefined && e.command !== 'CONN';
  const early = [e.code, e.originalCode].some((c) => c !== undefined && BEFORE_THE_MESSAGE.has(c));
  const delivery = refused || early ? 'not-sent' : 'unknown';
  const permanent = e.permanent === true || (responseCode !== null && responseCode >= 500);
  return new MailSendError(`Email not sent: ${e.message ?? String(err)}`, delivery, permanent, responseCode, {
    cause: err,
  });
}

/**
 * SMTP through nodemailer (a maintained library for the protocol's details: TLS, auth, pooling) when SMTP_URL
 * is set. Without it (the demo, development) nothing leaves the machine: messages are marked "kept" and the
 * app's Mailbox page shows them, so nothing pretends to have been delivered.
 */
export function createMailTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { kind: 'local', send: async () => unreportedResult('local') };
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m) {
      let info;
      try {
        info = await transporter.sendMail({
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          ...(m.replyTo ? { replyTo: m.replyTo } : {}),
          ...(m.attachments?.length
            ? {
                attachments: m.attachments.map((a) => ({
                  filename: a.filename,
                  content: a.content,
                  contentType: a.contentType,
                })),
              }
            : {}),
        });
      } catch (err) {
        throw classifyMailError(err);
      }
      return {
        transport: 'smtp',
        status: 'sent',
        messageId: typeof info.messageId === 'string' ? info.messageId : null,
        accepted: (info.accepted ?? []).map(address),
        rejected: (info.rejected ?? []).map(address),
        response: typeof info.response === 'string' ? info.response : null,
      };
    },
  };
}

function address(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}
