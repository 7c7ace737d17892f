import { afterEach, describe, expect, it } from 'vitest';
import type { QboObject } from '../../../server/emulator/entity-registry.js';
import { PRIVATE_NOTE_MAX_LENGTH } from '../../../server/features/writeback/domain/invoice-note.js';
import { QboPermanent } from '../../../server/qbo/qbo-errors.js';
import {
  dyingAfterTheAnswer,
  writebackWith,
  writebackWorld,
  type WritebackWorld,
} from '../../support/writeback-harness.js';

const MAX = PRIVATE_NOTE_MAX_LENGTH;
const STALE_AFTER_MS = 10 * 60_000;
const line = (day: number, to = 'amy@birds.test') =>
  `2026-11-${String(day).padStart(2, '0')} Duesense reminder (+7 days, firm) emailed to ${to}`;

describe('a reminder’s line on the invoice in QuickBooks (invoice_note) against the emulator', () => {
  let w: WritebackWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  const invoiceOf = (world: WritebackWorld, id: string): QboObject => world.company.table('Invoice').get(id)!;
  /** An open invoice; a person gives it a PrivateNote in QuickBooks, and the app syncs. */
  async function withNote(world: WritebackWorld, note: string | undefined): Promise<QboObject> {
    const open = [...world.company.table('Invoice').values()].find((i) => Number(i.Balance) > 0)!;
    if (note !== undefined) {
      world.emulator.clock.advance(1_000);
      world.company.update('Invoice', { Id: open.Id, SyncToken: open.SyncToken, PrivateNote: note }, true);
      await world.syncNow();
    }
    return invoiceOf(world, open.Id);
  }
  const queue = (world: WritebackWorld, invoice: QboObject, l: string, key: string) =>
    world.t.container.writeback.queueInvoiceNote(world.realmId, {
      invoiceId: invoice.Id,
      customerId: String((invoice.CustomerRef as { value: string }).value),
      targetName: String(invoice.DocNumber),
      line: l,
      key,
      actor: 'Reminders',
    });

  it('lands once below the person’s text; the same key again adds nothing; a second drain sends nothing', async () => {
    w = await writebackWorld({ customers: 6 });
    const invoice = await withNote(w, 'Deliver to the back door.\r\nPO 4471  ');
    expect(await queue(w, invoice, line(7), 'reminder-1')).toMatchObject({ kind: 'invoice_note', status: 'pending' });
    expect(await queue(w, invoice, line(7), 'reminder-1')).toBeUndefined();
    const mark = w.mark();
    expect(await w.t.container.writeback.drain(w.realmId)).toMatchObject({ written: 1, failed: 0 });
    expect(w.posts(mark).map((r) => r.path.replace(/^\/v3\/company\/\d+/, ''))).toEqual(['/batch']);
    const after = invoiceOf(w, invoice.Id);
    expect(after.PrivateNote).toBe(`Deliver to the back door.\r\nPO 4471  \n${line(7)}`);
    expect(Number(after.SyncToken)).toBe(Number(invoice.SyncToken) + 1);
    const [row] = await w.outbox.list(w.realmId, { kind: 'invoice_note' });
    expect(row).toMatchObject({
      status: 'done',
      origin: 'reminders',
      result: { outcome: 'written', fields: ['PrivateNote'] },
    });
    const again = w.mark();
    expect(await w.t.container.writeback.drain(w.realmId)).toMatchObject({ written: 0 });
    expect(w.posts(again)).toEqual([]);
  });

  it('two reminders of the same invoice both land, in order (a note never supersedes another)', async () => {
    w = await writebackWorld({ customers: 6 });
    const invoice = await withNote(w, undefined);
    await queue(w, invoice, line(7), 'reminder-1');
    await queue(w, invoice, line(14), 'reminder-2');
    // One batch: the second item meets the first's new SyncToken (5010), is read again and merged.
    expect(await w.t.container.writeback.drain(w.realmId)).toMatchObject({ written: 2, conflicts: 1, failed: 0 });
    const note = String(invoiceOf(w, invoice.Id).PrivateNote ?? '');
    expect(note.endsWith(`${line(7)}\n${line(14)}`)).toBe(true);
  });

  it('after a person’s edit (5010) the line is merged into their new text, once', async () => {
    w = await writebackWorld({ customers: 6 });
    const invoice = await withNote(w, 'Old note');
    await queue(w, invoice, line(7), 'reminder-1');
    // After the sync, before the drain: a person rewrites the note in QuickBooks; the local copy is stale.
    w.emulator.clock.advance(1_000);
    const edited = w.company.update(
      'Invoice',
      { Id: invoice.Id, SyncToken: invoice.SyncToken, PrivateNote: 'Called Amy: pays Friday' },
      true,
    );
    expect(await w.t.container.writeback.drain(w.realmId)).toMatchObject({ written: 1, conflicts: 1, failed: 0 });
    const after = invoiceOf(w, invoice.Id);
    expect(after.PrivateNote).toBe(`Called Amy: pays Friday\n${line(7)}`);
    expect(Number(after.SyncToken)).toBe(Number(edited.SyncToken) + 1);
  });

  it('a crash after QuickBooks took the batch and before the row is recorded never writes the line twice', async () => {
    w = await writebackWorld({ customers: 6, writeback: { staleAfterMs: STALE_AFTER_MS } });
    const world = w;
    const invoice = await withNote(world, 'Person text');
    const { service } = writebackWith(world.t.container, {
      options: { staleAfterMs: STALE_AFTER_MS },
      wrapStore: dyingAfterTheAnswer(),
    });
    await service.queueInvoiceNote(world.realmId, {
      invoiceId: invoice.Id,
      customerId: String((invoice.CustomerRef as { value: string }).value),
      targetName: String(invoice.DocNumber),
      line: line(7),
      key: 'reminder-1',
      actor: 'Reminders',
    });
    await expect(service.drain(world.realmId)).rejects.toThrow('the process died');
    expect(invoiceOf(world, invoice.Id).PrivateNote).toBe(`Person text\n${line(7)}`);
    // The row is left in flight; once stale it is drained again, and finds the line there.
    world.emulator.clock.advance(STALE_AFTER_MS + 1_000);
    expect(await service.drain(world.realmId)).toMatchObject({ written: 0, alreadyThere: 1, failed: 0 });
    // The same row replayed against the old SyncToken (a local copy that missed the answer) gets 5010 and a re-read.
    await world.t.container.db('qbo_writebacks').update({ status: 'pending' });
    await world.t.container
      .db('qbo_invoices')
      .where({ qbo_id: invoice.Id })
      .update({ raw_json: JSON.stringify(invoice) });
    const replay = await service.drain(world.realmId);
    expect(replay).toMatchObject({ written: 0, alreadyThere: 1, conflicts: 1, failed: 0 });
    const after = invoiceOf(world, invoice.Id);
    expect(after.PrivateNote).toBe(`Person text\n${line(7)}`);
    expect(Number(after.SyncToken)).toBe(Number(invoice.SyncToken) + 1);
  });

  it('when the note is full, Duesense’s oldest lines make room, the person’s text stays, the limit holds', async () => {
    w = await writebackWorld({ customers: 6 });
    const person = `Terms agreed with Amy. ${'p'.repeat(MAX - 2 * (line(1).length + 1) - 40)}`;
    const invoice = await withNote(w, `${line(1)}\n${person}\n${line(2)}`);
    await queue(w, invoice, line(3), 'reminder-3');
    expect(await w.t.container.writeback.drain(w.realmId)).toMatchObject({ written: 1, failed: 0 });
    const note = String(invoiceOf(w, invoice.Id).PrivateNote);
    expect(note).toBe(`${person}\n${line(2)}\n${line(3)}`);
    expect(note.length).toBeLessThanOrEqual(MAX);
  });

  it('the emulator holds PrivateNote to its limit: 4,000 accepted, 4,001 refused with 2050', async () => {
    w = await writebackWorld({ customers: 6 });
    const world = w;
    const invoice = await withNote(world, undefined);
    const update = (note: string, syncToken: string) =>
      world.t.container.qbo(world.realmId, (api) =>
        api.update(
          'Invoice',
          { Id: invoice.Id, SyncToken: syncToken, sparse: true, PrivateNote: note },
          `r-${note.length}`,
        ),
      );
    const err = await update('n'.repeat(MAX + 1), invoice.SyncToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QboPermanent);
    expect((err as QboPermanent).code).toBe('2050');
    expect(invoiceOf(world, invoice.Id).SyncToken).toBe(invoice.SyncToken);
    const saved = await update('n'.repeat(MAX), invoice.SyncToken);
    expect(String(saved.PrivateNote)).toHaveLength(MAX);
  });
});
