import { newestFirstPage } from '../../shared/newest-first-page.js';
import { DEFAULT_REMINDER_POLICY, parseReminderPolicy } from './domain/reminder-policy.js';
import {
  REMINDER_STATUSES,
  type InvoiceControls,
  type Reminder,
  type ReminderMove,
  type ReminderStatus,
  type ReminderStore,
  type StoredReminderPolicy,
} from './reminder-store-type.js';
import { MAX_ERROR, nextTemplates, storedReminderKey, storedTemplates } from './reminder-store.js';

const at = (d: Date | null) => (d ? new Date(d) : null);

/** A copy the way a row comes back from the database: JSON-shaped reasons, fresh Dates. */
function copy(r: Reminder): Reminder {
  return {
    ...r,
    reason: r.reason ? (JSON.parse(JSON.stringify(r.reason)) as Reminder['reason']) : null,
    to: [...r.to],
    lastError: r.lastError ? { ...r.lastError } : null,
    decidedAt: at(r.decidedAt),
    sendingAt: at(r.sendingAt),
    sentAt: at(r.sentAt),
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  };
}

/**
 * The reminder outbox, policy, templates and invoice controls in memory, for unit tests, with the knex store's
 * rules: keys unique per company, moves only from the states they name, lists newest first
 * (test/integration/stores/fake-store-contracts.test.ts holds both to them).
 */
export function createFakeReminderStore(): ReminderStore & { rows(): Reminder[] } {
  const rows: Reminder[] = [];
  const policies = new Map<string, StoredReminderPolicy>();
  const controls = new Map<string, Map<string, InvoiceControls>>();
  const templates = new Map<string, { json: string | null; version: number; savedBy: string; savedAt: Date }>();
  let nextId = 1;

  /** One conditional change, as the knex store's UPDATE … WHERE status IN (from) does it. */
  const move = (realmId: string, id: number, m: ReminderMove): boolean => {
    const r = rows.find((x) => x.id === id && x.realmId === realmId);
    if (!r || !m.from.includes(r.status)) return false;
    if (m.whileSendingAt !== undefined && r.sendingAt?.getTime() !== m.whileSendingAt.getTime()) return false;
    r.status = m.to;
    r.updatedAt = new Date(m.at);
    if (m.reason !== undefined) r.reason = m.reason === null ? null : copy({ ...r, reason: m.reason }).reason;
    if (m.lastError !== undefined)
      r.lastError = m.lastError === null ? null : { ...m.lastError, message: m.lastError.message.slice(0, MAX_ERROR) };
    if (m.decidedBy !== undefined) {
      r.decidedBy = m.decidedBy.slice(0, 200);
      r.decidedAt = new Date(m.at);
    }
    if (m.sendingAt !== undefined) r.sendingAt = at(m.sendingAt);
    if (m.sentAt !== undefined) r.sentAt = new Date(m.sentAt);
    if (m.sentTo !== undefined) r.to = [...m.sentTo];
    if (m.messageId !== undefined) r.messageId = m.messageId.slice(0, 250);
    if (m.message !== undefined) {
      r.subject = m.message.subject;
      r.text = m.message.text;
    }
    if (m.attempts !== undefined) r.attempts += m.attempts;
    return true;
  };

  return {
    rows: () => rows.map(copy),

    async enqueue(news, when) {
      const taken = new Set(rows.map((r) => r.idempotencyKey));
      const added: Reminder[] = [];
      for (const n of news) {
        const key = storedReminderKey(n);
        if (taken.has(key)) continue;
        taken.add(key);
        added.push({
          id: nextId++,
          realmId: n.realmId,
          invoiceId: n.invoiceId,
          docNumber: n.docNumber,
          customerId: n.customerId,
          stageDays: n.stageDays,
          idempotencyKey: key,
          channel: n.channel,
          tone: n.tone,
          status: n.status,
          reason: n.reason ?? null,
          to: [...n.to],
          subject: n.subject ?? null,
          text: n.text ?? null,
          origin: n.origin,
          actor: n.actor.slice(0, 200),
          attempts: 0,
          lastError: null,
          decidedBy: n.decidedBy === undefined ? null : n.decidedBy.slice(0, 200),
          decidedAt: n.decidedBy === undefined ? null : new Date(when),
          sendingAt: null,
          sentAt: null,
          messageId: null,
          createdAt: new Date(when),
          updatedAt: new Date(when),
        });
      }
      rows.push(...added.map(copy));
      return added.map(copy);
    },

    async move(realmId, id, m) {
      return move(realmId, id, m);
    },

    async moveAll(realmId, ids, m) {
      return [...new Set(ids)].sort((a, b) => a - b).filter((id) => move(realmId, id, m));
    },

    async get(realmId, id) {
      const r = rows.find((x) => x.id === id && x.realmId === realmId);
      return r ? copy(r) : undefined;
    },

    async list(realmId, q = {}) {
      const keep = (r: Reminder) =>
        r.realmId === realmId &&
        (!q.status || r.status === q.status) &&
        (!q.customerId || r.customerId === q.customerId) &&
        (!q.invoiceId || r.invoiceId === q.invoiceId) &&
        (!q.channel || r.channel === q.channel);
      return newestFirstPage(rows, keep, q).map(copy);
    },

    async all(realmId, customerId) {
      return rows
        .filter((r) => r.realmId === realmId && (customerId === undefined || r.customerId === customerId))
        .map(copy);
    },

    async staleSending(realmId, before) {
      return rows
        .filter(
          (r) =>
            r.realmId === realmId &&
            r.status === 'sending' &&
            r.sendingAt !== null &&
            r.sendingAt.getTime() < before.getTime(),
        )
        .map(copy);
    },

    async counts(realmId) {
      const counts = Object.fromEntries(REMINDER_STATUSES.map((s) => [s, 0])) as Record<ReminderStatus, number>;
      for (const r of rows) if (r.realmId === realmId) counts[r.status]++;
      return counts;
    },

    async realmsToSend(staleBefore) {
      const due = rows.filter(
        (r) =>
          r.status === 'approved' ||
          (r.status === 'sending' &&
            (r.channel === 'email' || (r.sendingAt !== null && r.sendingAt.getTime() < staleBefore.getTime()))),
      );
      return [...new Set(due.map((r) => r.realmId))].sort();
    },

    async policy(realmId) {
      const saved = policies.get(realmId);
      if (!saved) return { policy: DEFAULT_REMINDER_POLICY, savedBy: null, savedAt: null };
      return {
        policy: parseReminderPolicy(JSON.parse(JSON.stringify(saved.policy))),
        savedBy: saved.savedBy,
        savedAt: at(saved.savedAt),
      };
    },

    async savePolicy(realmId, policy, by, when) {
      const before = policies.get(realmId)?.policy.version ?? DEFAULT_REMINDER_POLICY.version;
      const version = Math.max(before, policy.version) + 1;
      const saved = parseReminderPolicy(JSON.parse(JSON.stringify({ ...policy, version })));
      const stored = { policy: saved, savedBy: by.slice(0, 200), savedAt: new Date(when) };
      policies.set(realmId, stored);
      return { ...stored, savedAt: new Date(when) };
    },

    async templates(realmId) {
      return storedTemplates(templates.get(realmId));
    },

    async saveTemplates(realmId, given, by, when) {
      const saved = { ...nextTemplates(templates.get(realmId)?.version, given), savedBy: by.slice(0, 200) };
      templates.set(realmId, { ...saved, savedAt: new Date(when) });
      return storedTemplates({ ...saved, savedAt: when });
    },

    async invoiceControls(realmId) {
      return new Map([...(controls.get(realmId) ?? new Map<string, InvoiceControls>())].map(([k, v]) => [k, { ...v }]));
    },

    async setInvoiceControls(realmId, invoiceId, change, by, when) {
      const company = controls.get(realmId) ?? new Map<string, InvoiceControls>();
      controls.set(realmId, company);
      const current = company.get(invoiceId);
      const next: InvoiceControls = {
        invoiceId,
        snoozedUntil: change.snoozedUntil !== undefined ? change.snoozedUntil : (current?.snoozedUntil ?? null),
        disputed: change.disputed ?? current?.disputed ?? false,
        disputeNote: change.disputeNote !== undefined ? change.disputeNote : (current?.disputeNote ?? null),
        updatedBy: by.slice(0, 200),
        updatedAt: new Date(when),
      };
      company.set(invoiceId, next);
      return { ...next };
    },
  };
}
