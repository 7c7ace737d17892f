import { describe, expect, it } from 'vitest';
import {
  parseWritebackForm,
  sameWritebackSettings,
  writebackFormOf,
} from '../../../server/features/settings/writeback-form.js';
import { enabledSalesFormFields } from '../../../server/features/sync/company-settings.js';
import { DEFAULT_WRITEBACK_SETTINGS } from '../../../server/features/writeback/domain/writeback-plan.js';
import { invoiceCostWords, writeTime } from '../../../server/http/writeback-view.js';

const CHOICES = {
  customerTypes: [
    { id: '7', name: 'Low risk' },
    { id: '8', name: 'Medium risk' },
    { id: '9', name: 'High risk' },
  ],
  invoiceFields: [{ definitionId: '2', name: 'Risk tier' }],
};

describe('the Write-back settings form', () => {
  it('reads a whole form into settings; empty choices leave types and invoices alone', () => {
    expect(
      parseWritebackForm(
        { nightly: '1', editedBlock: 'replace', typeLow: '7', typeMedium: '', typeHigh: '9', invoiceField: '2' },
        CHOICES,
      ).settings,
    ).toEqual({
      nightlyEnabled: true,
      editedBlock: 'replace',
      customerTypes: { Low: '7', Medium: null, High: '9' },
      invoiceFieldId: '2',
    });
    // An unticked box is absent from the form: nightly write-back off, no mapping, no field.
    expect(parseWritebackForm({ editedBlock: 'keep' }, CHOICES).settings).toEqual({
      nightlyEnabled: false,
      editedBlock: 'keep',
      customerTypes: null,
      invoiceFieldId: null,
    });
  });

  it('names every wrong field: a type the company lacks, one type for two tiers, a slot not turned on', () => {
    const { form, settings } = parseWritebackForm(
      { nightly: 'yes', editedBlock: '', typeLow: '8', typeMedium: '8', typeHigh: '99', invoiceField: '3' },
      CHOICES,
    );
    expect(settings).toBeUndefined();
    expect(Object.keys(form.errors).sort()).toEqual([
      'editedBlock',
      'invoiceField',
      'nightly',
      'type-High',
      'type-Medium',
    ]);
    expect(form.errors['type-Medium']).toBe(
      'Low risk already sets “Medium risk”: give each risk tier its own customer type, or leave this one alone.',
    );
    expect(form.errors['type-High']).toContain('"99" is not one of the company’s customer types');
    expect(form.errors.invoiceField).toContain('Custom field "3" is not one the company has turned on');
    // What was sent is kept for the page to show again.
    expect(form.types).toEqual({ Low: '8', Medium: '8', High: '99' });
    const none = parseWritebackForm(
      { editedBlock: 'keep', typeLow: '7', invoiceField: '1' },
      {
        customerTypes: [],
        invoiceFields: [],
      },
    ).form.errors;
    expect(none['type-Low']).toBe('The company has no customer types. Create them in QuickBooks first, then sync.');
    expect(none.invoiceField).toBe('The company has no sales-form custom field turned on in QuickBooks: choose Off.');
  });

  it('starts from what is saved, and knows when nothing changed', () => {
    const saved = { ...DEFAULT_WRITEBACK_SETTINGS, customerTypes: { Low: '7', Medium: null, High: null } };
    expect(writebackFormOf(saved)).toEqual({
      nightlyEnabled: false,
      editedBlock: 'keep',
      types: { Low: '7', Medium: '', High: '' },
      invoiceField: '',
      errors: {},
    });
    const again = parseWritebackForm({ editedBlock: 'keep', typeLow: '7' }, CHOICES).settings!;
    expect(sameWritebackSettings(saved, again)).toBe(true);
    expect(sameWritebackSettings(saved, { ...again, invoiceFieldId: '2' })).toBe(false);
  });
});

describe('the sales-form custom fields a company turned on', () => {
  const prefs = (pairs: object[]) => ({ SalesFormsPrefs: { CustomField: [{ CustomField: pairs }] } });

  it('offers a slot only when UseSalesCustomN is true, named by SalesCustomNameN', () => {
    expect(
      enabledSalesFormFields(
        prefs([
          { Name: 'SalesFormsPrefs.UseSalesCustom1', Type: 'BooleanType', BooleanValue: true },
          { Name: 'SalesFormsPrefs.SalesCustomName1', Type: 'StringType', StringValue: 'PO Number' },
          { Name: 'SalesFormsPrefs.UseSalesCustom2', Type: 'BooleanType', BooleanValue: false },
          { Name: 'SalesFormsPrefs.SalesCustomName2', Type: 'StringType', StringValue: 'Crew' },
          { Name: 'SalesFormsPrefs.UseSalesCustom3', Type: 'BooleanType', BooleanValue: true },
        ]),
      ),
    ).toEqual([
      { definitionId: '1', name: 'PO Number' },
      { definitionId: '3', name: 'Custom field 3' },
    ]);
    expect(enabledSalesFormFields(undefined)).toEqual([]);
    expect(enabledSalesFormFields({ SalesFormsPrefs: {} })).toEqual([]);
  });
});

describe('what writing open invoices costs, in words', () => {
  it('counts batch requests of 30 and minutes at 40 batch requests a minute', () => {
    expect(invoiceCostWords(0)).toBe('No open invoice would be written now.');
    expect(invoiceCostWords(1)).toBe(
      '1 open invoice would be written now: 1 batch request of 30, about 1 minute at QuickBooks’ 40 batch ' +
        'requests a minute.',
    );
    expect(invoiceCostWords(4_800)).toBe(
      '4,800 open invoices would be written now: 160 batch requests of 30, about 4 minutes at QuickBooks’ 40 ' +
        'batch requests a minute.',
    );
    expect(writeTime(1_201)).toEqual({ batches: 41, minutes: 2 });
  });
});
