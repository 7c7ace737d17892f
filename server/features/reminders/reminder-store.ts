import type { Db } from '../../db/knex.js';
import { countByStatus } from '../../db/count-by-status.js';
import { toDate } from '../../db/row-values.js';
import { DEFAULT_REMINDER_POLICY, parseReminderPolicy } from './domain/reminder-policy.js';
import {
  DEFAULT_REMINDER_TEMPLATES,
  parseReminderTemplates,
  type ReminderTemplates,
} from './domain/reminder-templates.js';
import {
  REMINDER_STATUSES,
  type InvoiceControls,
  type NewReminder,
  type Reminder,
  type ReminderMove,
  type ReminderStatus,
  type ReminderStore,
  type StoredReminderPolicy,
  type StoredReminderTemplates,
} from './reminder-store-type.js';

const OUTBOX = 'reminders';
const SETTINGS = 'reminder_settings';
const TEMPLATES = 'reminder_templates';
const CONTROLS = 'invoice_controls';
const CHUNK = 200;
export const MAX_ERROR = 1000;

type Row = Record<string, unknown>;

function parse<T>(json: unknown): T | null {
  return typeof json === 'string' && json !== '' ? (JSON.parse(json) as T) : null;
}

/** Keys are unique across companies: the company's id comes first. */
export function storedReminderKey(r: Pick<NewReminder, 'realmId' | 'idempotencyKey'>): string {
  return `${r.realmId}:${r.idempotencyKey}`.slice(0, 200);
}

export function reminderFromRow(r: Row): Reminder {
  return {
    id: Number(r.id),
    realmId: String(r.realm_id),
    invoiceId: String(r.invoice_qbo_id),
    docNumber: (r.doc_number as string | null) ?? null,
    customerId: String(r.customer_qbo_id),
    stageDays: r.stage_days === null || r.stage_days === undefined ? null : Number(r.stage_days),
    idempotencyKey: String(r.idempotency_key),
    channel: r.channel as Reminder['channel'],
    tone: r.tone as Reminder['tone'],
    status: r.status as ReminderStatus,
    reason: parse(r.reason_json),
    to: String(r.to_address)
      .split(',')
      .filter((a) => a !== ''),
    subject: (r.subject as string | null) ?? null,
    text: (r.text as string | null) ?? null,
    origin: r.origin as Reminder['origin'],
    actor: String(r.actor),
    attempts: Number(r.attempts),
    lastError:
      r.last_error_message === null || r.last_error_message === undefined
        ? null
        : {
            errorClass: (r.last_error_class as NonNullable<Reminder['lastError']>['errorClass']) ?? 'unknown',
            code: (r.last_error_code as string | null) ?? null,
            message: String(r.last_error_message),
            intuitTid: (r.intuit_tid as string | null) ?? null,
          },
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: toDate(r.decided_at),
    sendingAt: toDate(r.sending_at),
    sentAt: toDate(r.sent_at),
    messageId: (r.message_id as string | null | undefined) ?? null,
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
  };
}

function toInsert(r: NewReminder, at: Date): Row {
  return {
    realm_id: r.realmId,
    invoice_qbo_id: r.invoiceId,
    doc_number: r.docNumber,
    customer_qbo_id: r.customerId,
    stage_days: r.stageDays,
    idempotency_key: storedReminderKey(r),
    channel: r.channel,
    tone: r.tone,
    status: r.status,
    reason_json: r.reason ? JSON.stringify(r.reason) : null,
    to_address: r.to.join(','),
    subject: r.subject ?? null,
    text: r.text ?? null,
    origin: r.origin,
    actor: r.actor.slice(0, 200),
    attempts: 0,
    decided_by: r.decidedBy === undefined ? null : r.decidedBy.slice(0, 200),
    decided_at: r.decidedBy === undefined ? null : at,
    created_at: at,
    updated_at: at,
  };
}

/** The columns a move sets (the fake applies the same fields). */
function moveColumns(db: Db, m: ReminderMove): Row {
  const set: Row = { status: m.to, updated_at: m.at };
  if (m.reason !== undefined) set.reason_json = m.reason === null ? null : JSON.stringify(m.reason);
  if (m.lastError !== undefined) {
    set.last_error_class = m.lastError?.errorClass ?? null;
    set.last_error_code = m.lastError?.code ?? null;
    set.last_error_message = m.lastError?.message.slice(0, MAX_ERROR) ?? null;
    set.intuit_tid = m.lastError?.intuitTid ?? null;
  }
  if (m.decidedBy !== undefined) {
    set.decided_by = m.decidedBy.slice(0, 200);
    set.decided_at = m.at;
  }
  if (m.sendingAt !== undefined) set.sending_at = m.sendingAt;
  if (m.sentAt !== undefined) set.sent_at = m.sentAt;
  if (m.sentTo !== undefined) set.to_address = m.sentTo.join(',');
  if (m.messageId !== undefined) set.message_id = m.messageId.slice(0, 250);
  if (m.message !== undefined) {
    set.subject = m.message.subject;
    set.text = m.message.text;
  }
  if (m.attempts !== undefined) set.attempts = db.raw(m.attempts > 0 ? 'attempts + 1' : 'attempts - 1');
  return set;
}

/**
 * The templates a company's row holds: its own (checked again), or the default texts at the row's version. Shared
 * with the fake store, so both read a save the same way.
 */
export function storedTemplates(
  saved: { json: string | null; version: number; savedBy: string; savedAt: Date } | undefined,
): StoredReminderTemplates {
  if (!saved) return { templates: DEFAULT_REMINDER_TEMPLATES, own: false, savedBy: null, savedAt: null };
  const own = saved.json !== null;
  const templates = parseReminderTemplates(
    own ? JSON.parse(saved.json!) : { ...DEFAULT_REMINDER_TEMPLATES, version: saved.version },
  );
  return { templates, own, savedBy: saved.savedBy, savedAt: new Date(saved.savedAt) };
}

/** The next save of a company's templates: the version after both the saved one and the one given. */
export function nextTemplates(
  savedVersion: number | undefined,
  templates: ReminderTemplates | null,
): { json: string | null; version: number } {
  const given = templates?.version ?? DEFAULT_REMINDER_TEMPLATES.version;
  const version = Math.max(savedVersion ?? DEFAULT_REMINDER_TEMPLATES.version, given) + 1;
  return {
    json: templates === null ? null : JSON.stringify(parseReminderTemplates({ ...templates, version })),
    version,
  };
}

/** One conditional UPDATE of the rows of `ids` still in one of `m.from`; the ids it changed. */
async function moveRows(db: Db, realmId: string, ids: readonly number[], m: ReminderMove): Promise<number[]> {
  if (ids.length === 0) return [];
  const q = db(OUTBOX)
    .where('realm_id', realmId)
    .whereIn('id', [...ids])
    .whereIn('status', [...m.from]);
  if (m.whileSendingAt !== undefined) q.andWhere('sending_at', m.whileSendingAt);
  const moved = (await q.update(moveColumns(db, m)).returning('id')) as Row[];
  return moved.map((r) => Number(r.id)).sort((a, b) => a - b);
}

function controlsFromRow(r: Row): InvoiceControls {
  return {
    invoiceId: String(r.invoice_qbo_id),
    snoozedUntil: (r.snoozed_until as string | null) ?? null,
    disputed: Boolean(r.disputed),
    disputeNote: (r.dispute_note as string | null) ?? null,
    updatedBy: String(r.updated_by),
    updatedAt: toDate(r.updated_at)!,
  };
}

/** The reminder outbox, policy, templates and invoice controls on knex (SQLite or PostgreSQL). */
/** Writes and the sender's reads on `db`; what the pages and the plan read on the read-only pool. */
export function createReminderStore(db: Db, readDb: Db = db): ReminderStore {
  return {
    async enqueue(rows, at) {
      if (rows.length === 0) return [];
      const keys = await db.transaction(async (trx) => {
        const fresh: NewReminder[] = [];
        const seen = new Set<string>();
        for (const r of rows) if (!seen.has(storedReminderKey(r)) && seen.add(storedReminderKey(r))) fresh.push(r);
        const added: string[] = [];
        // A key another run added first is left alone (unique index): at most one row per (invoice, stage).
        for (let i = 0; i < fresh.length; i += 100) {
          const part = fresh.slice(i, i + 100);
          const inserted = (await trx(OUTBOX)
            .insert(part.map((r) => toInsert(r, at)))
            .onConflict('idempotency_key')
            .ignore()
            .returning('idempotency_key')) as Row[];
          added.push(...inserted.map((x) => String(x.idempotency_key)));
        }
        return added;
      });
      const out: Row[] = [];
      for (let i = 0; i < keys.length; i += CHUNK)
        out.push(...((await db(OUTBOX).whereIn('idempotency_key', keys.slice(i, i + CHUNK))) as Row[]));
      return out.map(reminderFromRow).sort((a, b) => a.id - b.id);
    },
    async move(realmId, id, m) {
      return (await moveRows(db, realmId, [id], m)).length > 0;
    },
    moveAll: (realmId, ids, m) => moveRows(db, realmId, ids, m),
    async get(realmId, id) {
      const row = (await readDb(OUTBOX).where({ realm_id: realmId, id }).first()) as Row | undefined;
      return row ? reminderFromRow(row) : undefined;
    },
    async list(realmId, q = {}) {
      const query = readDb(OUTBOX).where('realm_id', realmId);
      if (q.status) query.andWhere('status', q.status);
      if (q.customerId) query.andWhere('customer_qbo_id', q.customerId);
      if (q.invoiceId) query.andWhere('invoice_qbo_id', q.invoiceId);
      if (q.channel) query.andWhere('channel', q.channel);
      if (q.beforeId !== undefined) query.andWhere('id', '<', q.beforeId);
      return ((await query.orderBy('id', 'desc').limit(q.limit ?? 50)) as Row[]).map(reminderFromRow);
    },
    async all(realmId, customerId) {
      const query = readDb(OUTBOX).where('realm_id', realmId);
      if (customerId !== undefined) query.andWhere('customer_qbo_id', customerId);
      return ((await query.orderBy('id')) as Row[]).map(reminderFromRow);
    },
    async staleSending(realmId, before) {
      const rows = (await db(OUTBOX)
        .where({ realm_id: realmId, status: 'sending' })
        .andWhere('sending_at', '<', before)
        .orderBy('id')) as Row[];
      return rows.map(reminderFromRow);
    },
    counts: (realmId) => countByStatus(readDb, OUTBOX, realmId, REMINDER_STATUSES),
    async realmsToSend(staleBefore) {
      const rows = (await db(OUTBOX)
        .where('status', 'approved')
        .orWhere((s) =>
          s
            .where('status', 'sending')
            .andWhere((c) =>
              c
                .where('channel', 'email')
                .orWhere((q) => q.where('channel', 'quickbooks').andWhere('sending_at', '<', staleBefore)),
            ),
        )
        .distinct('realm_id')
        .orderBy('realm_id')) as Row[];
      return rows.map((r) => String(r.realm_id));
    },
    async policy(realmId) {
      const row = (await readDb(SETTINGS).where({ realm_id: realmId }).first()) as Row | undefined;
      if (!row) return { policy: DEFAULT_REMINDER_POLICY, savedBy: null, savedAt: null };
      return {
        policy: parseReminderPolicy(parse(row.policy_json)),
        savedBy: String(row.saved_by),
        savedAt: toDate(row.saved_at),
      };
    },
    async savePolicy(realmId, policy, by, at) {
      const before = (await db(SETTINGS).where({ realm_id: realmId }).first('version')) as Row | undefined;
      const version = Math.max(Number(before?.version ?? DEFAULT_REMINDER_POLICY.version), policy.version) + 1;
      const saved = parseReminderPolicy({ ...policy, version });
      const row = { policy_json: JSON.stringify(saved), version, saved_by: by.slice(0, 200), saved_at: at };
      await db(SETTINGS)
        .insert({ realm_id: realmId, ...row })
        .onConflict('realm_id')
        .merge(row);
      return { policy: saved, savedBy: row.saved_by, savedAt: at } satisfies StoredReminderPolicy;
    },
    async templates(realmId) {
      const row = (await readDb(TEMPLATES).where({ realm_id: realmId }).first()) as Row | undefined;
      return storedTemplates(
        row && {
          json: (row.templates_json as string | null) ?? null,
          version: Number(row.version),
          savedBy: String(row.saved_by),
          savedAt: toDate(row.saved_at)!,
        },
      );
    },
    async saveTemplates(realmId, templates, by, at) {
      const before = (await db(TEMPLATES).where({ realm_id: realmId }).first('version')) as Row | undefined;
      const next = nextTemplates(before ? Number(before.version) : undefined, templates);
      const row = { templates_json: next.json, version: next.version, saved_by: by.slice(0, 200), saved_at: at };
      await db(TEMPLATES)
        .insert({ realm_id: realmId, ...row })
        .onConflict('realm_id')
        .merge(row);
      return storedTemplates({ ...next, savedBy: row.saved_by, savedAt: at });
    },
    async invoiceControls(realmId) {
      const rows = (await readDb(CONTROLS).where({ realm_id: realmId })) as Row[];
      return new Map(rows.map((r) => [String(r.invoice_qbo_id), controlsFromRow(r)]));
    },
    async setInvoiceControls(realmId, invoiceId, change, by, at) {
      const before = (await db(CONTROLS).where({ realm_id: realmId, invoice_qbo_id: invoiceId }).first()) as
        Row | undefined;
      const current = before ? controlsFromRow(before) : undefined;
      const row = {
        snoozed_until: change.snoozedUntil !== undefined ? change.snoozedUntil : (current?.snoozedUntil ?? null),
        disputed: change.disputed ?? current?.disputed ?? false,
        dispute_note: change.disputeNote !== undefined ? change.disputeNote : (current?.disputeNote ?? null),
        updated_by: by.slice(0, 200),
        updated_at: at,
      };
      await db(CONTROLS)
        .insert({ realm_id: realmId, invoice_qbo_id: invoiceId, ...row })
        .onConflict(['realm_id', 'invoice_qbo_id'])
        .merge(row);
      return controlsFromRow({ invoice_qbo_id: invoiceId, ...row });
    },
  };
}
