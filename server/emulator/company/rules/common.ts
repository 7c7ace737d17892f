import { canonicalProperty, ENTITIES, type EntityName } from '../../entity-registry.js';
import { faults } from '../../qbo-fault.js';
import type { WriteContext } from '../write-context.js';
import { refValue } from '../ledger.js';

/** Fields the server owns: accepted in a request body (clients echo them back) but never taken from it. */
export const SERVER_OWNED = new Set(['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'status']);

export type Body = Record<string, unknown>;

/**
 * Rejects a body with a property the entity does not have (QBO's 2010) and returns a copy whose keys use
 * the canonical spelling. QBO's JSON binding is case-sensitive, so `displayname` is unknown too.
 */
export function checkProperties(entityName: EntityName, body: Body): Body {
  const entity = ENTITIES[entityName];
  const out: Body = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = canonicalProperty(entity, key);
    if (!canonical || canonical !== key) throw faults.unknownProperty(entityName, key, entity.properties);
    out[key] = value;
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkMaxLength(value: unknown, element: string, max: number): void {
  if (typeof value === 'string' && value.length > max) throw faults.stringTooLong(element, max, value.length);
}

/** A `{value, name}` reference that must point at an existing, active entity of the given type. */
export function resolveRef(
  ctx: WriteContext,
  entity: EntityName,
  ref: unknown,
  element: string,
  { required, mustBeActive = true }: { required: boolean; mustBeActive?: boolean },
): { value: string; name: string } | undefined {
  const id = refValue(ref);
  if (id === undefined || id === '') {
    if (required) throw faults.requiredParam(element, `Required parameter ${element} is missing in the request`);
    return undefined;
  }
  const target = ctx.get(entity, id);
  if (!target) throw faults.invalidReference(element, id);
  if (mustBeActive && target.Active === false) throw faults.objectNotFound();
  const name = (target.FullyQualifiedName ?? target.DisplayName ?? target.Name ?? '') as string;
  return { value: id, name };
}

export function requireNumber(value: unknown, element: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (value === undefined || value === null) throw faults.requiredParam(element);
  throw faults.requestNotParsable(`Property Name:${element} has an invalid value: ${JSON.stringify(value)}`);
}

export function checkDate(value: unknown, element: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`))
  ) {
    throw faults.requestNotParsable(`Property Name:${element} has an invalid date: ${JSON.stringify(value)}`);
  }
  return value;
}

/** Case-insensitive uniqueness among an entity's names (QBO's 6240). */
export function checkUniqueName(
  ctx: WriteContext,
  entity: EntityName,
  field: string,
  value: string,
  selfId?: string,
): void {
  const wanted = value.trim().toLowerCase();
  for (const other of ctx.list(entity)) {
    if (
      other.Id !== selfId &&
      String(other[field] ?? '')
        .trim()
        .toLowerCase() === wanted
    )
      throw faults.duplicateName();
  }
}
