import type { EntityName, QboObject } from '../../entity-registry.js';

type Ref = { value: string; name?: string };

/**
 * Fields QBO always returns, filled into objects loaded from a company file that omit them (a file may be
 * written by hand or by the generator). The same defaults the create rules apply, so a loaded object reads
 * exactly like one created through the API (golden tests compare both against Intuit's recordings).
 */
export function applyLoadedDefaults(entity: EntityName, o: QboObject, home: Ref): void {
  o.domain ??= 'QBO';
  o.sparse ??= false;
  switch (entity) {
    case 'Customer':
      o.Taxable ??= true;
      o.BillWithParent ??= false;
      o.Active ??= true;
      o.PrintOnCheckName ??= o.DisplayName;
      o.PreferredDeliveryMethod ??= 'Print';
      o.CurrencyRef ??= home;
      o.DefaultTaxCodeRef ??= { value: '2' };
      break;
    case 'Invoice':
    case 'CreditMemo':
      o.CurrencyRef ??= home;
      o.TxnTaxDetail ??= { TotalTax: 0 };
      o.ApplyTaxAfterDiscount ??= false;
      o.PrintStatus ??= 'NeedToPrint';
      o.EmailStatus ??= 'NotSet';
      if (entity === 'Invoice') {
        for (const flag of [
          'AllowIPNPayment',
          'AllowOnlinePayment',
          'AllowOnlineCreditCardPayment',
          'AllowOnlineACHPayment',
        ])
          o[flag] ??= false;
      }
      break;
    case 'Payment':
      o.CurrencyRef ??= home;
      break;
    case 'Item':
    case 'Term':
    case 'CustomerType':
      o.Active ??= true;
      break;
    default:
      break;
  }
}
