import { faults } from '../../qbo-fault.js';
import type { QboObject } from '../../entity-registry.js';
import type { WriteContext } from '../write-context.js';
import { refValue } from '../ledger.js';
import { type Body, checkMaxLength, checkUniqueName, resolveRef } from './common.js';

const DELIVERY_METHODS = new Set(['Print', 'Email', 'None']);
const MAX_JOB_LEVEL = 4; // QBO allows five levels: a customer and four levels of jobs

/** Customer create/update: names, jobs (ParentRef/Level/FullyQualifiedName), references, defaults. */
export function prepareCustomer(ctx: WriteContext, b: Body, existing: QboObject | undefined): Body {
  const displayName = deriveDisplayName(b);
  if (!displayName)
    throw faults.requiredParam(
      'DisplayName',
      'Required parameter DisplayName or one of GivenName, FamilyName, CompanyName is missing in the request',
    );
  checkMaxLength(displayName, 'DisplayName', 500);
  checkMaxLength(b.GivenName, 'GivenName', 25);
  checkMaxLength(b.FamilyName, 'FamilyName', 25);
  checkMaxLength(b.Notes, 'Notes', 1024);
  checkMaxLength(b.CompanyName, 'CompanyName', 100);
  if (displayName.includes(':')) throw faults.businessValidation('The name cannot contain a colon (:).', 'DisplayName');
  checkUniqueName(ctx, 'Customer', 'DisplayName', displayName, existing?.Id);

  const out: Body = { Taxable: true, Job: false, BillWithParent: false, ...b, DisplayName: displayName };
  out.PrintOnCheckName = b.PrintOnCheckName ?? displayName;
  out.Active = b.Active ?? true;
  out.PreferredDeliveryMethod = b.PreferredDeliveryMethod ?? 'Print';
  if (!DELIVERY_METHODS.has(String(out.PreferredDeliveryMethod))) {
    throw faults.invalidEnumeration('PreferredDeliveryMethod', String(out.PreferredDeliveryMethod));
  }

  const parent = resolveRef(ctx, 'Customer', b.ParentRef, 'ParentRef', { required: false });
  if (parent) {
    const parentCustomer = ctx.get('Customer', parent.value)!;
    if (existing && isSelfOrDescendant(ctx, parent.value, existing.Id)) {
      throw faults.businessValidation('A customer cannot be its own parent or the parent of its parent.', 'ParentRef');
    }
    const level = Number(parentCustomer.Level ?? 0) + 1;
    if (level > MAX_JOB_LEVEL)
      throw faults.businessValidation('Sub-customers can be nested only five levels deep.', 'ParentRef');
    out.ParentRef = { value: parent.value };
    out.Job = true;
    out.Level = level;
    out.FullyQualifiedName = `${String(parentCustomer.FullyQualifiedName)}:${displayName}`;
  } else {
    delete out.ParentRef;
    delete out.Level;
    out.Job = false;
    out.BillWithParent = false;
    out.FullyQualifiedName = displayName;
  }

  const term = resolveRef(ctx, 'Term', b.SalesTermRef, 'SalesTermRef', { required: false });
  if (term) out.SalesTermRef = { value: term.value };
  const type = resolveRef(ctx, 'CustomerType', b.CustomerTypeRef, 'CustomerTypeRef', { required: false });
  if (type) out.CustomerTypeRef = { value: type.value };

  // CurrencyRef is set on create and read-only afterwards.
  const home = ctx.homeCurrency();
  if (existing) {
    const current = refValue(existing.CurrencyRef) ?? home.value;
    const asked = refValue(b.CurrencyRef);
    if (asked && asked !== current)
      throw faults.businessValidation("You can't change the currency of a customer.", 'CurrencyRef');
    out.CurrencyRef = existing.CurrencyRef;
  } else {
    const code = refValue(b.CurrencyRef) ?? home.value;
    out.CurrencyRef = code === home.value ? home : { value: code, name: code };
  }
  // A full update that omits it keeps the customer's tax code, as QBO does (update-customer capture).
  out.DefaultTaxCodeRef ??= existing?.DefaultTaxCodeRef ?? { value: '2' };
  return out;
}

function deriveDisplayName(b: Body): string | undefined {
  if (typeof b.DisplayName === 'string' && b.DisplayName.trim()) return b.DisplayName.trim();
  const person = [b.Title, b.GivenName, b.MiddleName, b.FamilyName, b.Suffix]
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .join(' ');
  if (person) return person;
  return typeof b.CompanyName === 'string' && b.CompanyName.trim() ? b.CompanyName.trim() : undefined;
}

function isSelfOrDescendant(ctx: WriteContext, candidateId: string, selfId: string): boolean {
  let current: string | undefined = candidateId;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current === selfId) return true;
    current = refValue(ctx.get('Customer', current)?.ParentRef);
  }
  return false;
}
