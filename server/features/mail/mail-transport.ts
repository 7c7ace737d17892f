import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** How a message leaves: SMTP when configured; otherwise it is kept in the app's mailbox and shown there. */
export interface MailTransport {
  kind: 'smtp' | 'local';
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * SMTP through nodemailer (a maintained library for the protocol's details: TLS, auth, pooling) when SMTP_URL
 * is set. Without it (the demo, development) nothing leaves the machine: messages are marked "kept" and the
 * app's Mailbox page shows them, so nothing pretends to have been delivered.
 */
export function createMailTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { kind: 'local', send: async () => undefined };
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m) {
      await transporter.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}
