/**
 * The QBO entities the emulator serves, with the facts the API depends on: URL segment, whether the entity
 * is a name list (deactivated, never deleted) or a transaction (deletable), its default query order, and the
 * top-level properties the real API knows (an unknown property in a query or a write is rejected, as QBO does).
 * Property lists follow Intuit's XSD (Finance.xsd, IntuitNamesTypes.xsd), trimmed to what a US company uses.
 */
export type QboObject = Record<string, unknown> & { Id: string; SyncToken: string };

export type EntityName =
  'Customer' | 'Invoice' | 'Payment' | 'CreditMemo' | 'Item' | 'Term' | 'CustomerType' | 'CompanyInfo' | 'Preferences';

export interface EntityDefinition {
  name: EntityName;
  /** Path segment of read/create/update URLs: `/v3/company/{realm}/{segment}`. */
  segment: string;
  /** name list: has Active, cannot be deleted; transaction: can be deleted (and voided where supported). */
  kind: 'name' | 'transaction' | 'singleton';
  /** Default ORDER BY when a query has none: name lists by their name, transactions in creation order. */
  defaultOrder: string;
  creatable: boolean;
  voidable: boolean;
  /** Reported in CDC responses and webhook notifications. */
  cdc: boolean;
  properties: readonly string[];
}

const COMMON = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse'] as const;

const TRANSACTION_COMMON = [
  'DocNumber',
  'TxnDate',
  'DepartmentRef',
  'CurrencyRef',
  'ExchangeRate',
  'PrivateNote',
  'TxnStatus',
  'LinkedTxn',
  'Line',
  'TxnTaxDetail',
  'CustomerRef',
  'TotalAmt',
  'HomeTotalAmt',
  'ProjectRef',
  'TransactionLocationType',
  'TxnSource',
  'GlobalTaxCalculation',
  'ClassRef',
] as const;

const SALES_FORM = [
  'CustomerMemo',
  'BillAddr',
  'ShipAddr',
  'FreeFormAddress',
  'ShipFromAddr',
  'SalesTermRef',
  'DueDate',
  'ShipMethodRef',
  'ShipDate',
  'TrackingNum',
  'ApplyTaxAfterDiscount',
  'PrintStatus',
  'EmailStatus',
  'BillEmail',
  'BillEmailCc',
  'BillEmailBcc',
  'Balance',
  'HomeBalance',
  'DepositToAccountRef',
  'DeliveryInfo',
  'CustomField',
  'TaxExemptionRef',
  'RecurDataRef',
] as const;

export const ENTITIES: Readonly<Record<EntityName, EntityDefinition>> = {
  Customer: {
    name: 'Customer',
    segment: 'customer',
    kind: 'name',
    defaultOrder: 'FullyQualifiedName',
    creatable: true,
    voidable: false,
    cdc: true,
    properties: [
      ...COMMON,
      'DisplayName',
      'Title',
      'GivenName',
      'MiddleName',
      'FamilyName',
      'Suffix',
      'FullyQualifiedName',
      'CompanyName',
      'PrintOnCheckName',
      'Active',
      'PrimaryPhone',
      'AlternatePhone',
      'Mobile',
      'Fax',
      'PrimaryEmailAddr',
      'WebAddr',
      'DefaultTaxCodeRef',
      'Taxable',
      'BillAddr',
      'ShipAddr',
      'Notes',
      'Job',
      'BillWithParent',
      'ParentRef',
      'Level',
      'SalesTermRef',
      'PaymentMethodRef',
      'Balance',
      'OpenBalanceDate',
      'BalanceWithJobs',
      'CurrencyRef',
      'PreferredDeliveryMethod',
      'ResaleNum',
      'CustomerTypeRef',
      'TaxExemptionReasonId',
      'ARAccountRef',
      'PrimaryTaxIdentifier',
      'IsProject',
      'V4IDPseudonym',
    ],
  },
  Invoice: {
    name: 'Invoice',
    segment: 'invoice',
    kind: 'transaction',
    defaultOrder: 'Id',
    creatable: true,
    voidable: true,
    cdc: true,
    properties: [
      ...COMMON,
      ...TRANSACTION_COMMON,
      ...SALES_FORM,
      'Deposit',
      'AllowIPNPayment',
      'AllowOnlinePayment',
      'AllowOnlineCreditCardPayment',
      'AllowOnlineACHPayment',
      'InvoiceLink',
      'PONumber',
      'SalesRepRef',
      'PaymentMethodRef',
      'PaymentRefNum',
      'DiscountRate',
      'Tag',
      'FOB',
      'AutoDocNumber',
      'RemitToRef',
    ],
  },
  Payment: {
    name: 'Payment',
    segment: 'payment',
    kind: 'transaction',
    defaultOrder: 'Id',
    creatable: true,
    voidable: true,
    cdc: true,
    properties: [
      ...COMMON,
      ...TRANSACTION_COMMON,
      'UnappliedAmt',
      'ProcessPayment',
      'PaymentMethodRef',
      'PaymentRefNum',
      'DepositToAccountRef',
      'ARAccountRef',
      'CreditCardPayment',
    ],
  },
  CreditMemo: {
    name: 'CreditMemo',
    segment: 'creditmemo',
    kind: 'transaction',
    defaultOrder: 'Id',
    creatable: true,
    voidable: false,
    cdc: true,
    properties: [...COMMON, ...TRANSACTION_COMMON, ...SALES_FORM, 'RemainingCredit', 'InvoiceRef'],
  },
  Item: {
    name: 'Item',
    segment: 'item',
    kind: 'name',
    defaultOrder: 'FullyQualifiedName',
    creatable: true,
    voidable: false,
    cdc: true,
    properties: [
      ...COMMON,
      'Name',
      'Sku',
      'Description',
      'Active',
      'SubItem',
      'ParentRef',
      'Level',
      'FullyQualifiedName',
      'Taxable',
      'SalesTaxIncluded',
      'UnitPrice',
      'Type',
      'IncomeAccountRef',
      'PurchaseDesc',
      'PurchaseTaxIncluded',
      'PurchaseCost',
      'ExpenseAccountRef',
      'AssetAccountRef',
      'TrackQtyOnHand',
      'QtyOnHand',
      'InvStartDate',
      'SalesTaxCodeRef',
      'PurchaseTaxCodeRef',
      'ReorderPoint',
      'PrefVendorRef',
      'ClassRef',
    ],
  },
  Term: {
    name: 'Term',
    segment: 'term',
    kind: 'name',
    defaultOrder: 'Name',
    creatable: true,
    voidable: false,
    cdc: true,
    properties: [
      ...COMMON,
      'Name',
      'Active',
      'Type',
      'DiscountPercent',
      'DueDays',
      'DiscountDays',
      'DayOfMonthDue',
      'DueNextMonthDays',
      'DiscountDayOfMonth',
    ],
  },
  CustomerType: {
    // The API can read CustomerType but not create it (python-quickbooks#212).
    name: 'CustomerType',
    segment: 'customertype',
    kind: 'name',
    defaultOrder: 'Name',
    creatable: false,
    voidable: false,
    cdc: false,
    properties: [...COMMON, 'Name', 'Active'],
  },
  CompanyInfo: {
    name: 'CompanyInfo',
    segment: 'companyinfo',
    kind: 'singleton',
    defaultOrder: 'Id',
    creatable: false,
    voidable: false,
    cdc: false,
    properties: [
      ...COMMON,
      'CompanyName',
      'LegalName',
      'CompanyAddr',
      'CustomerCommunicationAddr',
      'LegalAddr',
      'CustomerCommunicationEmailAddr',
      'PrimaryPhone',
      'CompanyStartDate',
      'FiscalYearStartMonth',
      'Country',
      'Email',
      'WebAddr',
      'SupportedLanguages',
      'NameValue',
    ],
  },
  Preferences: {
    name: 'Preferences',
    segment: 'preferences',
    kind: 'singleton',
    defaultOrder: 'Id',
    creatable: false,
    voidable: false,
    cdc: false,
    properties: [
      ...COMMON,
      'AccountingInfoPrefs',
      'ProductAndServicesPrefs',
      'SalesFormsPrefs',
      'EmailMessagesPrefs',
      'VendorAndPurchasesPrefs',
      'TimeTrackingPrefs',
      'TaxPrefs',
      'CurrencyPrefs',
      'ReportPrefs',
      'OtherPrefs',
    ],
  },
};

const BY_LOWER_NAME = new Map(Object.values(ENTITIES).map((e) => [e.name.toLowerCase(), e]));
const BY_SEGMENT = new Map(Object.values(ENTITIES).map((e) => [e.segment, e]));

/** Entity names are case-insensitive in queries and CDC (node-quickbooks sends `from customer`). */
export function entityByName(name: string): EntityDefinition | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

export function entityBySegment(segment: string): EntityDefinition | undefined {
  return BY_SEGMENT.get(segment.toLowerCase());
}

/** The canonical spelling of a top-level property, matched without regard to case; undefined if unknown. */
export function canonicalProperty(entity: EntityDefinition, property: string): string | undefined {
  const lower = property.toLowerCase();
  return entity.properties.find((p) => p.toLowerCase() === lower);
}
