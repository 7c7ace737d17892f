import type { EntityName, QboObject } from '../entity-registry.js';

/** What write rules may look up in the company while validating and normalising a write. */
export interface WriteContext {
  entityName: EntityName;
  get(entity: EntityName, id: string): QboObject | undefined;
  list(entity: EntityName): Iterable<QboObject>;
  /** The company's calendar date today (YYYY-MM-DD), from the emulator clock. */
  today(): string;
  homeCurrency(): { value: string; name: string };
  /** Preferences.SalesFormsPrefs.DefaultTerms. */
  defaultTermId(): string | undefined;
  /** Legacy sales-form custom field definitions from Preferences (DefinitionId, Name). */
  customFieldDefinitions(): Array<{ DefinitionId: string; Name: string; Type: string }>;
  nextDocNumber(entity: 'Invoice' | 'CreditMemo'): string;
}
