import type { Container } from '../container.js';
import type { ActivityEntry } from '../features/activity/activity-log-type.js';
import { writebackFormOf, type WritebackChoices, type WritebackForm } from '../features/settings/writeback-form.js';
import { enabledSalesFormFields } from '../features/sync/company-settings.js';
import { RISK_TIERS } from '../features/writeback/domain/notes-block.js';
import { invoiceCostWords } from './writeback-view.js';

/** The company's active CustomerTypes (local copy) and the sales-form custom fields it turned on (Preferences). */
export async function writebackChoices(
  c: Pick<Container, 'localCopy' | 'companySettings'>,
  realmId: string,
): Promise<WritebackChoices> {
  const [customerTypes, prefs] = await Promise.all([
    c.localCopy.customerTypes(realmId),
    c.companySettings.preferences(realmId),
  ]);
  return { customerTypes, invoiceFields: enabledSalesFormFields(prefs) };
}

/**
 * The Write-back section of Settings: the form (as saved, or as sent back with errors), what the company offers
 * to map onto (its CustomerTypes, its enabled sales-form custom fields), and for each field not switched on yet
 * what switching it on would write now.
 */
export async function writebackSection(
  c: Pick<Container, 'writeback' | 'localCopy' | 'companySettings'>,
  realmId: string,
  o: { form?: WritebackForm | undefined; scored: boolean; lastChange: ActivityEntry | undefined },
) {
  const [saved, choices] = await Promise.all([c.writeback.settings(realmId), writebackChoices(c, realmId)]);
  const offered = choices.invoiceFields.filter((f) => f.definitionId !== saved.invoiceFieldId);
  const previews =
    o.scored && offered.length > 0
      ? await c.writeback.previewEach(
          realmId,
          'label',
          offered.map((f) => ({ invoiceFieldId: f.definitionId })),
        )
      : [];
  const costOf = new Map(offered.map((f, i) => [f.definitionId, previews[i]?.plan.counts.invoiceWrites]));
  const typeIds = new Set(choices.customerTypes.map((t) => t.id));
  return {
    ...(o.form ?? writebackFormOf(saved)),
    saved,
    scored: o.scored,
    customerTypes: choices.customerTypes,
    tiers: RISK_TIERS,
    fields: choices.invoiceFields.map((f) => {
      const invoices = costOf.get(f.definitionId);
      return {
        ...f,
        current: f.definitionId === saved.invoiceFieldId,
        cost: invoices === undefined ? undefined : invoiceCostWords(invoices),
      };
    }),
    /** The saved field or types, when QuickBooks no longer offers them (turned off, or made inactive). */
    savedFieldGone:
      saved.invoiceFieldId !== null && !choices.invoiceFields.some((f) => f.definitionId === saved.invoiceFieldId),
    savedTypesGone: RISK_TIERS.filter((t) => {
      const id = saved.customerTypes?.[t];
      return id !== null && id !== undefined && !typeIds.has(id);
    }),
    lastChange: o.lastChange,
  };
}
