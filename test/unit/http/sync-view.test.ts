import { describe, expect, it } from 'vitest';
import { SYNC_ENTITIES } from '../../../server/features/sync/sync-entities.js';
import { entityInWords, modeInWords, syncProgressText, triggerInWords } from '../../../server/http/sync-view.js';

const order = SYNC_ENTITIES.map((e) => e.name);

describe('the sync page in words', () => {
  it('names every synced kind of record as a person would', () => {
    expect(order.map(entityInWords)).toEqual([
      'Terms',
      'Customer types',
      'Products and services',
      'Customers',
      'Invoices',
      'Credit memos',
      'Payments',
    ]);
  });

  it('estimates a full re-read against the rows the local copy held', () => {
    const run = { progress: { entity: 'Invoice', mode: 'full', rows: 4_200, pages: 5 } };
    expect(syncProgressText(run, { Invoice: 12_893 }, order)).toBe(
      'Reading all Invoices (kind 5 of 7): 4,200 rows so far, about 32% of the 12,893 the local copy held.',
    );
    expect(syncProgressText(run, { Invoice: 4_000 }, order)).toBe(
      'Reading all Invoices (kind 5 of 7): 4,200 rows so far, more than the 4,000 the local copy held.',
    );
    // The first sync has nothing to compare with.
    expect(syncProgressText(run, {}, order)).toBe('Reading all Invoices (kind 5 of 7): 4,200 rows so far.');
  });

  it('says what changes-only passes and a sync that has not read anything yet are doing', () => {
    expect(syncProgressText({ progress: { entity: 'Term', mode: 'cdc', rows: 1, pages: 1 } }, {}, order)).toBe(
      'Reading what changed (kind 1 of 7): 1 row of Terms changed.',
    );
    expect(syncProgressText({ progress: { entity: 'Payment', mode: 'query', rows: 0, pages: 1 } }, {}, order)).toBe(
      'Reading changed Payments (kind 7 of 7): 0 rows so far.',
    );
    expect(syncProgressText({ progress: null }, {}, order)).toBe('Starting: asking QuickBooks what has changed.');
  });

  it("puts runs' triggers and modes in words", () => {
    expect(triggerInWords('connect')).toBe('After connecting');
    expect(triggerInWords('nightly')).toBe('Nightly run');
    expect(modeInWords('full+cdc')).toBe('Everything read again, changes only');
    expect(modeInWords('cdc+query')).toBe('Changes only, changed rows looked up');
    expect(modeInWords('none')).toBe('Nothing to read');
  });
});
