import type { Clock } from '../../clock.js';

export interface SentEmail {
  id: number;
  realmId: string;
  invoiceId: string;
  docNumber: string | undefined;
  to: string;
  subject: string;
  body: string;
  sentAt: string;
}

/**
 * Where the emulator's invoice emails go instead of a mail server: an inspectable list
 * (`GET /emulator/outbox`, `duesense emulator outbox`). Bounded so a long demo cannot grow it forever.
 */
export class EmailOutbox {
  private readonly emails: SentEmail[] = [];
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly capacity = 10_000,
  ) {}

  record(email: Omit<SentEmail, 'id' | 'sentAt'>): SentEmail {
    const sent: SentEmail = { ...email, id: this.nextId++, sentAt: this.clock.now().toISOString() };
    this.emails.push(sent);
    if (this.emails.length > this.capacity) this.emails.splice(0, this.emails.length - this.capacity);
    return sent;
  }

  list(filter: { realmId?: string; invoiceId?: string } = {}): SentEmail[] {
    return this.emails.filter(
      (e) =>
        (!filter.realmId || e.realmId === filter.realmId) && (!filter.invoiceId || e.invoiceId === filter.invoiceId),
    );
  }

  /** Emails sent for a realm since a moment: the sandbox allows 40 a day. */
  countSince(realmId: string, sinceMs: number): number {
    let n = 0;
    for (const e of this.emails) if (e.realmId === realmId && Date.parse(e.sentAt) >= sinceMs) n++;
    return n;
  }

  clear(): void {
    this.emails.length = 0;
  }
}
