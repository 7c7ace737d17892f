import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One MIME part, its body decoded from its transfer encoding. */
export interface ReceivedPart {
  headers: Map<string, string>;
  body: Buffer;
}

/** A message as the SMTP server received it. */
export interface ReceivedMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  headers: Map<string, string>;
  /** The leaf parts (a single-part message is one part). */
  parts: ReceivedPart[];
  /** The first text/plain part, decoded, its line ends as the sender wrote them (MIME sends CRLF). */
  text: string | undefined;
}

export interface SmtpCatcher {
  url: string;
  received: ReceivedMessage[];
  /** Replies 554 to the end of the next `n` messages' data: the server refuses them after reading them. */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a free local port that keeps every message it accepts. */
export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const received: ReceivedMessage[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          const err = new Error('Message refused') as Error & { responseCode: number };
          err.responseCode = 554;
          return done(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        received.push({
          ...parseMime(raw),
          raw,
          envelope: {
            from: from === false ? '' : from.address,
            to: session.envelope.rcptTo.map((r) => r.address),
          },
        });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (n) => void (refuse = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decode(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable': {
      const soft = body.replace(/=\r\n/g, '');
      const bytes: number[] = [];
      for (let i = 0; i < soft.length; i++) {
        const hex = soft.slice(i + 1, i + 3);
        if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
      }
      return Buffer.from(bytes);
    }
    default:
      return Buffer.from(body, 'utf8');
  }
}

function leafParts(raw: string): ReceivedPart[] {
  const { headers, body } = splitHead(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) {
    const trimmed = body.endsWith('\r\n') ? body.slice(0, -2) : body;
    return [{ headers, body: decode(trimmed, headers.get('content-transfer-encoding')) }];
  }
  const sections = body.split(`--${boundary}`).slice(1);
  const parts: ReceivedPart[] = [];
  for (const section of sections) {
    if (section.startsWith('--')) break;
    parts.push(...leafParts(section.replace(/^\r\n/, '')));
  }
  return parts;
}

function parseMime(raw: string): Omit<ReceivedMessage, 'envelope' | 'raw'> {
  const { headers } = splitHead(raw);
  const parts = leafParts(raw);
  const text = parts.find((p) => /^text\/plain/i.test(p.headers.get('content-type') ?? 'text/plain'));
  return { headers, parts, text: text?.body.toString('utf8').replace(/\r\n/g, '\n') };
}
