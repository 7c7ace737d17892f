import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../../server/emulator/generator/generate-company.js';
import { syncWorld, type SyncWorld } from '../../support/sync-harness.js';

/** A company file written without Preferences, from a Canadian company: QuickBooks' defaults stand in. */
function canadianFileWithoutPreferences() {
  const file = generateCompany({ seed: 5, customers: 12, months: 6, asOf: '2026-10-31' });
  delete file.Preferences;
  file.CompanyInfo = { ...file.CompanyInfo, Country: 'CA' };
  return file;
}

describe('a company file without Preferences', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await syncWorld({ file: canadianFileWithoutPreferences() });
  });
  afterAll(() => w?.close());

  it('answers Preferences with the defaults of a new company in its country', () => {
    const prefs = w.company.table('Preferences').get('1')!;
    expect(prefs.CurrencyPrefs).toEqual({ HomeCurrency: { value: 'CAD' }, MultiCurrencyEnabled: false });
    expect((prefs.SalesFormsPrefs as Record<string, unknown>).DefaultTerms).toBeUndefined();
  });

  it('connects and syncs like any other company', async () => {
    const company = await w.t.container.connections.getCompany(w.realmId);
    expect(company).toMatchObject({ status: 'connected', homeCurrency: 'CAD' });
    const run = await w.t.container.sync.sync(w.realmId, { full: true });
    expect(run.status).toBe('succeeded');
    expect(run.counts?.Customer?.upserted).toBe(12);
  });
});
