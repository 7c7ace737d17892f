import type { QboObject } from '../entity-registry.js';

export interface CatalogItem {
  id: string;
  name: string;
  unitPriceCents: number;
  /** Undefined for items without a recorded cost (gross profit is then estimated). */
  costCents: number | undefined;
  type: 'Service' | 'NonInventory';
}

export const TERMS = [
  { id: '1', name: 'Due on receipt', dueDays: 0 },
  { id: '2', name: 'Net 15', dueDays: 15 },
  { id: '3', name: 'Net 30', dueDays: 30 },
  { id: '4', name: 'Net 60', dueDays: 60 },
] as const;

export const CUSTOMER_TYPES = [
  { id: '1', name: 'Retail' },
  { id: '2', name: 'Wholesale' },
  { id: '3', name: 'Contractor' },
] as const;

/** Services with high margins, products with thin ones; a few without a cost. */
export const ITEMS: readonly CatalogItem[] = [
  { id: '1', name: 'Design consultation', unitPriceCents: 15000, costCents: 6000, type: 'Service' },
  { id: '2', name: 'Installation labour', unitPriceCents: 9500, costCents: 5200, type: 'Service' },
  { id: '3', name: 'Maintenance visit', unitPriceCents: 12000, costCents: 4500, type: 'Service' },
  { id: '4', name: 'Emergency call-out', unitPriceCents: 22500, costCents: 9000, type: 'Service' },
  { id: '5', name: 'Project management', unitPriceCents: 11000, costCents: undefined, type: 'Service' },
  { id: '6', name: 'Premium fixtures', unitPriceCents: 48000, costCents: 39000, type: 'NonInventory' },
  { id: '7', name: 'Standard fixtures', unitPriceCents: 18000, costCents: 14500, type: 'NonInventory' },
  { id: '8', name: 'Materials pack', unitPriceCents: 7500, costCents: 6100, type: 'NonInventory' },
  { id: '9', name: 'Hardware kit', unitPriceCents: 3200, costCents: undefined, type: 'NonInventory' },
  { id: '10', name: 'Extended warranty', unitPriceCents: 9900, costCents: 1500, type: 'Service' },
];

export function itemObjects(meta: (day: number) => QboObject['MetaData'], day: number): QboObject[] {
  return ITEMS.map(
    (i) =>
      ({
        Id: i.id,
        SyncToken: '0',
        MetaData: meta(day),
        Name: i.name,
        Active: true,
        Type: i.type,
        UnitPrice: i.unitPriceCents / 100,
        ...(i.costCents === undefined ? {} : { PurchaseCost: i.costCents / 100 }),
        IncomeAccountRef: { value: '79', name: 'Sales of Product Income' },
        Taxable: false,
      }) as QboObject,
  );
}

export function termObjects(meta: (day: number) => QboObject['MetaData'], day: number): QboObject[] {
  return TERMS.map(
    (t) =>
      ({
        Id: t.id,
        SyncToken: '0',
        MetaData: meta(day),
        Name: t.name,
        Active: true,
        Type: 'STANDARD',
        DueDays: t.dueDays,
      }) as QboObject,
  );
}

export function customerTypeObjects(meta: (day: number) => QboObject['MetaData'], day: number): QboObject[] {
  return CUSTOMER_TYPES.map(
    (t) => ({ Id: t.id, SyncToken: '0', MetaData: meta(day), Name: t.name, Active: true }) as QboObject,
  );
}
