import { faults } from '../../qbo-fault.js';
import type { QboObject } from '../../entity-registry.js';
import type { WriteContext } from '../write-context.js';
import { type Body, checkMaxLength, checkUniqueName, requireNumber, resolveRef } from './common.js';

const ITEM_TYPES = new Set(['Inventory', 'NonInventory', 'Service', 'Group', 'Category']);
const NEEDS_INCOME_ACCOUNT = new Set(['Inventory', 'NonInventory', 'Service']);
const TERM_TYPES = new Set(['STANDARD', 'DATE_DRIVEN']);

export function prepareItem(ctx: WriteContext, b: Body, existing: QboObject | undefined): Body {
  const name = typeof b.Name === 'string' ? b.Name.trim() : '';
  if (!name) throw faults.requiredParam('Name');
  checkMaxLength(name, 'Name', 100);
  checkMaxLength(b.Description, 'Description', 4000);
  if (name.includes(':')) throw faults.businessValidation('The name cannot contain a colon (:).', 'Name');
  checkUniqueName(ctx, 'Item', 'Name', name, existing?.Id);
  const type = b.Type ?? existing?.Type;
  if (type === undefined) throw faults.requiredParam('Type');
  if (!ITEM_TYPES.has(String(type))) throw faults.invalidEnumeration('Type', String(type));
  if (NEEDS_INCOME_ACCOUNT.has(String(type)) && b.IncomeAccountRef === undefined)
    throw faults.requiredParam('IncomeAccountRef');
  const out: Body = { Active: true, Taxable: false, TrackQtyOnHand: false, ...b, Name: name, Type: type };
  for (const money of ['UnitPrice', 'PurchaseCost'] as const) {
    if (b[money] !== undefined) out[money] = requireNumber(b[money], money);
  }
  const parent = resolveRef(ctx, 'Item', b.ParentRef, 'ParentRef', { required: false });
  out.FullyQualifiedName = parent ? `${String(ctx.get('Item', parent.value)?.FullyQualifiedName)}:${name}` : name;
  out.SubItem = Boolean(parent);
  return out;
}

export function prepareTerm(ctx: WriteContext, b: Body, existing: QboObject | undefined): Body {
  const name = typeof b.Name === 'string' ? b.Name.trim() : '';
  if (!name) throw faults.requiredParam('Name');
  checkMaxLength(name, 'Name', 31);
  checkUniqueName(ctx, 'Term', 'Name', name, existing?.Id);
  const type = b.Type ?? 'STANDARD';
  if (!TERM_TYPES.has(String(type))) throw faults.invalidEnumeration('Type', String(type));
  const out: Body = { Active: true, ...b, Name: name, Type: type };
  if (type === 'STANDARD') out.DueDays = b.DueDays === undefined ? 0 : requireNumber(b.DueDays, 'DueDays');
  else out.DayOfMonthDue = requireNumber(b.DayOfMonthDue, 'DayOfMonthDue');
  return out;
}
