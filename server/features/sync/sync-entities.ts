import type { QboEntity } from '../../qbo/qbo-api-client.js';
import {
  mapCreditMemo,
  mapCustomer,
  mapCustomerType,
  mapInvoice,
  mapItem,
  mapPayment,
  mapTerm,
  type MappedEntity,
} from './qbo-mappers.js';

/**
 * Every entity the sync engine copies, as data: one engine reads this list (no per-entity copies of the
 * sync code). Name lists must ask for inactive rows explicitly; CustomerType is not reported by CDC.
 */
export interface SyncEntity {
  name: 'Customer' | 'Invoice' | 'Payment' | 'CreditMemo' | 'Item' | 'Term' | 'CustomerType';
  table: string;
  nameList: boolean;
  cdc: boolean;
  map(realmId: string, e: QboEntity): MappedEntity;
}

export const SYNC_ENTITIES: readonly SyncEntity[] = [
  { name: 'Term', table: 'qbo_terms', nameList: true, cdc: true, map: mapTerm },
  { name: 'CustomerType', table: 'qbo_customer_types', nameList: true, cdc: false, map: mapCustomerType },
  { name: 'Item', table: 'qbo_items', nameList: true, cdc: true, map: mapItem },
  { name: 'Customer', table: 'qbo_customers', nameList: true, cdc: true, map: mapCustomer },
  { name: 'Invoice', table: 'qbo_invoices', nameList: false, cdc: true, map: mapInvoice },
  { name: 'CreditMemo', table: 'qbo_credit_memos', nameList: false, cdc: true, map: mapCreditMemo },
  { name: 'Payment', table: 'qbo_payments', nameList: false, cdc: true, map: mapPayment },
];

export function syncEntity(name: string): SyncEntity | undefined {
  return SYNC_ENTITIES.find((e) => e.name.toLowerCase() === name.toLowerCase());
}
