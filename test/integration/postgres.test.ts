import { describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, PG_SKIP_MESSAGE, usePostgresSyncWorld } from '../support/pg-database.js';
import { readNotesBlock } from '../../server/features/writeback/domain/notes-block.js';
import { DEFAULT_REMINDER_POLICY } from '../../server/features/reminders/domain/reminder-policy.js';
import { DEFAULT_REMINDER_TEMPLATES } from '../../server/features/reminders/domain/reminder-templates.js';
import { remindersWith } from '../support/reminder-harness.js';
import { scoreOn } from '../support/score-on.js';
import { differences, dumpLocalCopy } from '../support/sync-harness.js';

/**
 * The PostgreSQL suite: the same migrations, connect flow and sync against a real PostgreSQL server.
 * .ci/run starts the server installed on the machine and sets DUESENSE_TEST_PG_URL; without it this is skipped.
 */
if (!PG_ADMIN_URL) console.warn(`PostgreSQL suite ${PG_SKIP_MESSAGE}`);

describe.skipIf(!PG_ADMIN_URL)('PostgreSQL', () => {
  const world = usePostgresSyncWorld({ customers: 60, months: 12 });

  it('runs the migrations, connects, and copies the company field by field', async () => {
    const w = world();
    const run = await w.t.container.sync.sync(w.realmId);
    expect(run.status).toBe('succeeded');
    expect(await differences(w)).toEqual([]);
    const row = await w.t.container.db('qbo_invoices').where({ realm_id: w.realmId }).first();
    expect(typeof row.due_date).toBe('string');
    expect(typeof row.total_cents).toBe('number');
  });

  it('applies incremental changes and deletions, and a re-run changes nothing', async () => {
    const w = world();
    w.emulator.clock.advance(86_400_000);
    const invoice = [...w.company.table('Invoice').values()].find(
      (i) => !(i.LinkedTxn as unknown[] | undefined)?.length,
    )!;
    w.company.delete('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken });
    expect((await w.t.container.sync.sync(w.realmId)).mode).toBe('cdc');
    expect(await differences(w)).toEqual([]);
    const before = await dumpLocalCopy(w);
    await w.t.container.sync.sync(w.realmId);
    expect(await dumpLocalCopy(w)).toEqual(before);
  });

  it('writes risk labels through the outbox, and a second run writes nothing', async () => {
    const w = world();
    const c = w.t.container;
    await c.sync.sync(w.realmId);
    await scoreOn(c, w.emulator.clock, w.realmId, '2026-11-01');
    const first = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect(first.drained).toMatchObject({ failed: 0, retrying: 0, reconnectNeeded: false });
    expect(first.drained!.written).toBe(first.queued);
    const labelled = [...w.company.table('Customer').values()].filter(
      (x) => readNotesBlock(String(x.Notes ?? '')).state === 'ours',
    );
    expect(labelled).toHaveLength(first.queued);
    const again = await c.writeback.run(w.realmId, { origin: 'cli', actor: 'test' });
    expect([again.queued, again.plan.counts.customerWrites]).toEqual([0, 0]);
    expect((await c.writeback.list(w.realmId, { status: 'done' })).length).toBe(Math.min(first.queued, 50));
  });

  it('sends reminders exactly once with two runners at once, and reconciles a send left unresolved', async () => {
    const w = world();
    const c = w.t.container;
    // Monday 2 November 2026, a business day, after the scoring above.
    w.emulator.clock.set('2026-11-02T15:00:00Z');
    await c.reminders.savePolicy(w.realmId, { ...DEFAULT_REMINDER_POLICY, mode: 'automatic' }, 'test');
    const emails = () => w.emulator.emulator.outbox.list({ realmId: w.realmId });
    const [a, b] = [remindersWith(c).service, remindersWith(c).service];
    const [ra, rb] = await Promise.all([
      a.run(w.realmId, { origin: 'nightly', actor: 'a' }),
      b.run(w.realmId, { origin: 'nightly', actor: 'b' }),
    ]);
    expect(ra.plan.due.length).toBeGreaterThan(0);
    expect(emails()).toHaveLength(ra.plan.due.length);
    expect(new Set(emails().map((e) => e.invoiceId)).size).toBe(emails().length);
    expect(ra.sent!.sent + rb.sent!.sent).toBe(ra.plan.due.length);
    // A row left sending (its answer lost): taken again once it is stale, found sent, never sent twice.
    const [row] = await c.reminders.list(w.realmId, { status: 'sent', limit: 1 });
    await c.db('reminders').where({ id: row!.id }).update({ status: 'sending', sending_at: row!.sentAt });
    w.emulator.clock.advance(11 * 60_000);
    expect(await c.reminders.sendApproved(w.realmId)).toMatchObject({ reconciled: 1, sent: 0 });
    expect(emails()).toHaveLength(ra.plan.due.length);
  });

  it('keeps a company’s reminder templates: saved as versions, read back checked, reset to the defaults', async () => {
    const w = world();
    const c = w.t.container;
    expect(await c.reminders.templates(w.realmId)).toMatchObject({ own: false, savedAt: null });
    const invoiceLine = 'Invoice {{invoiceNumber}}: {{openBalance}} open, due {{dueDate}}.';
    const saved = await c.reminders.saveTemplates(w.realmId, { ...DEFAULT_REMINDER_TEMPLATES, invoiceLine }, 'Ada');
    expect(saved).toMatchObject({ ok: true, changed: true });
    const read = await c.reminders.templates(w.realmId);
    expect(read).toMatchObject({ own: true, savedBy: 'Ada', templates: { version: 2, invoiceLine } });
    expect(read.templates.tones).toEqual(DEFAULT_REMINDER_TEMPLATES.tones);
    expect(read.savedAt).toBeInstanceOf(Date);
    expect((await c.reminders.resetTemplates(w.realmId, 'Bo')).saved).toMatchObject({
      own: false,
      savedBy: 'Bo',
      templates: { ...DEFAULT_REMINDER_TEMPLATES, version: 3 },
    });
    expect(await c.reminders.templates(w.realmId)).toMatchObject({ own: false, templates: { version: 3 } });
  });
});
