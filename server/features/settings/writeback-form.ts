/**
 * The Write-back section of Settings as a form: the values as typed and a message per field, and the settings they
 * make once every value is one the company really offers (its CustomerTypes, the custom fields it turned on).
 */
import { RISK_TIERS, type RiskTier } from '../writeback/domain/notes-block.js';
import type { WritebackSettings } from '../writeback/domain/writeback-plan.js';
import type { SalesFormCustomField } from '../sync/company-settings.js';

export type SavedWritebackSettings = Omit<WritebackSettings, 'updatedAt' | 'updatedBy'>;

/** What the settings may point at in this company: its CustomerTypes and the sales-form fields it turned on. */
export interface WritebackChoices {
  customerTypes: Array<{ id: string; name: string }>;
  invoiceFields: SalesFormCustomField[];
}

export interface WritebackForm {
  nightlyEnabled: boolean;
  /** 'keep' or 'replace' as sent; anything else is an error. */
  editedBlock: string;
  /** A CustomerType id per tier; '' leaves that tier's type alone. */
  types: Record<RiskTier, string>;
  /** The custom field's slot ("1"–"3"); '' is off. */
  invoiceField: string;
  /** By field: `nightly`, `editedBlock`, `type-Low`, `type-Medium`, `type-High`, `invoiceField`. */
  errors: Record<string, string>;
}

export function writebackFormOf(s: SavedWritebackSettings): WritebackForm {
  const types = Object.fromEntries(RISK_TIERS.map((t) => [t, s.customerTypes?.[t] ?? ''])) as Record<RiskTier, string>;
  return {
    nightlyEnabled: s.nightlyEnabled,
    editedBlock: s.editedBlock,
    types,
    invoiceField: s.invoiceFieldId ?? '',
    errors: {},
  };
}

const MAX_VALUE = 40;

function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v.trim().slice(0, MAX_VALUE) : '';
}

const shown = (v: string) => `"${v.slice(0, 20)}"`;

/** Reads the form; `settings` is set only when every field is valid. */
export function parseWritebackForm(
  body: Record<string, unknown>,
  choices: WritebackChoices,
): { form: WritebackForm; settings?: SavedWritebackSettings } {
  const nightly = field(body, 'nightly');
  const form: WritebackForm = {
    nightlyEnabled: nightly === '1' || nightly === 'on',
    editedBlock: field(body, 'editedBlock'),
    types: Object.fromEntries(RISK_TIERS.map((t) => [t, field(body, `type${t}`)])) as Record<RiskTier, string>,
    invoiceField: field(body, 'invoiceField'),
    errors: {},
  };
  if (nightly !== '' && !form.nightlyEnabled)
    form.errors.nightly = 'Tick the box to write every night, or leave it clear to write only when asked.';
  if (form.editedBlock !== 'keep' && form.editedBlock !== 'replace')
    form.errors.editedBlock = 'Choose what Duesense does with a block someone edited: keep it, or replace it.';
  const typeNames = new Map(choices.customerTypes.map((t) => [t.id, t.name]));
  const firstTierOf = new Map<string, RiskTier>();
  for (const tier of RISK_TIERS) {
    const id = form.types[tier];
    if (id === '') continue;
    if (!typeNames.has(id)) {
      form.errors[`type-${tier}`] =
        typeNames.size === 0
          ? 'The company has no customer types. Create them in QuickBooks first, then sync.'
          : `${shown(id)} is not one of the company’s customer types: choose one from the list, ` +
            'or leave the tier’s type alone.';
      continue;
    }
    const earlier = firstTierOf.get(id);
    if (earlier) {
      form.errors[`type-${tier}`] =
        `${earlier} risk already sets “${typeNames.get(id)}”: give each risk tier its own customer type, ` +
        'or leave this one alone.';
    } else firstTierOf.set(id, tier);
  }
  if (form.invoiceField !== '' && !choices.invoiceFields.some((f) => f.definitionId === form.invoiceField)) {
    form.errors.invoiceField =
      choices.invoiceFields.length === 0
        ? 'The company has no sales-form custom field turned on in QuickBooks: choose Off.'
        : `Custom field ${shown(form.invoiceField)} is not one the company has turned on in QuickBooks: ` +
          'choose one from the list, or Off.';
  }
  if (Object.keys(form.errors).length > 0) return { form };
  const mapped = RISK_TIERS.some((t) => form.types[t] !== '');
  return {
    form,
    settings: {
      nightlyEnabled: form.nightlyEnabled,
      editedBlock: form.editedBlock as SavedWritebackSettings['editedBlock'],
      customerTypes: mapped
        ? (Object.fromEntries(RISK_TIERS.map((t) => [t, form.types[t] || null])) as Record<RiskTier, string | null>)
        : null,
      invoiceFieldId: form.invoiceField === '' ? null : form.invoiceField,
    },
  };
}

/** True when the form saves what is saved already. */
export function sameWritebackSettings(a: SavedWritebackSettings, b: SavedWritebackSettings): boolean {
  return (
    a.nightlyEnabled === b.nightlyEnabled &&
    a.editedBlock === b.editedBlock &&
    a.invoiceFieldId === b.invoiceFieldId &&
    RISK_TIERS.every((t) => (a.customerTypes?.[t] ?? null) === (b.customerTypes?.[t] ?? null))
  );
}
