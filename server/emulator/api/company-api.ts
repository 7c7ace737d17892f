import type { Clock } from '../../clock.js';
import type { EmulatedCompany } from '../company/emulated-company.js';
import { entityByName, entityBySegment, ENTITIES, type EntityDefinition, type QboObject } from '../entity-registry.js';
import { faults, QboFault } from '../qbo-fault.js';
import { formatQboDate, parseQboDateTime } from '../qbo-time.js';
import type { EmailOutbox } from './email-outbox.js';
import { invoicePdf } from './invoice-pdf.js';
import { QueryEngine, queryResponseBody } from './query-engine.js';

export const CDC_MAX_OBJECTS = 1000;
export const CDC_LOOKBACK_DAYS = 30;
export const BATCH_MAX_ITEMS = 30;

type Body = Record<string, unknown>;

export interface CompanyApiOptions {
  clock: Clock;
  outbox: EmailOutbox;
  /** Intuit's sandbox sends at most 40 emails a day per realm; null = no limit (production). */
  emailDailyLimit: number | null;
}

/**
 * The v3 Accounting operations, independent of HTTP so that /batch can run the same code as the
 * single-entity endpoints. Each method returns the body QBO would send (without `time`) or throws QboFault.
 */
export class CompanyApi {
  private readonly queries = new QueryEngine();

  constructor(private readonly options: CompanyApiOptions) {}

  query(company: EmulatedCompany, text: string): Body {
    return { QueryResponse: queryResponseBody(this.queries.run(company, text)) };
  }

  read(company: EmulatedCompany, segment: string, id: string): Body {
    const entity = this.entityForSegment(segment);
    if (!/^\d+$/.test(id)) throw faults.invalidId(id);
    return { [entity.name]: company.read(entity.name, id) };
  }

  /** POST /{entity}[?operation=update|delete|void]; a body with an Id and no operation is an update. */
  write(company: EmulatedCompany, segment: string, operation: string | undefined, body: unknown): Body {
    const entity = this.entityForSegment(segment);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw faults.requestNotParsable('Request body must be a JSON object');
    }
    const b = body as Body;
    const op = operation?.toLowerCase() ?? (b.Id !== undefined ? 'update' : 'create');
    switch (op) {
      case 'create':
        if (b.Id !== undefined) throw faults.businessValidation('Id must not be supplied on create.', 'Id');
        return { [entity.name]: company.create(entity.name, b) };
      case 'update':
        return { [entity.name]: company.update(entity.name, b, b.sparse === true || b.sparse === 'true') };
      case 'delete':
        return { [entity.name]: company.delete(entity.name, b) };
      case 'void':
        return { [entity.name]: company.void(entity.name, b) };
      default:
        throw faults.invalidEnumeration('operation', op);
    }
  }

  /** POST /invoice/{id}/send[?sendTo=]: records the email in the outbox and marks the invoice sent. */
  sendInvoice(company: EmulatedCompany, id: string, sendTo: string | undefined): Body {
    if (!/^\d+$/.test(id)) throw faults.invalidId(id);
    const invoice = company.read('Invoice', id);
    const to = sendTo?.trim() || ((invoice.BillEmail as Body | undefined)?.Address as string | undefined);
    if (!to)
      throw faults.businessValidation(
        'The invoice has no email address. Add one to the invoice or pass sendTo.',
        'BillEmail',
      );
    const addresses = to.split(',').map((a) => a.trim());
    if (addresses.some((a) => !/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(a))) {
      throw faults.businessValidation(`Invalid email address: ${to}`, 'sendTo');
    }
    const limit = this.options.emailDailyLimit;
    if (
      limit !== null &&
      this.options.outbox.countSince(company.realmId, this.options.clock.now().getTime() - 86_400_000) >= limit
    ) {
      throw faults.businessValidation(`You have reached the limit of ${limit} emails a day for this company.`);
    }
    const prefs = company.table('Preferences').get('1');
    const message = ((prefs?.EmailMessagesPrefs as Body | undefined)?.InvoiceMessage ?? {}) as Body;
    const sent = company.markInvoiceEmailed(id, sendTo?.trim() || undefined);
    this.options.outbox.record({
      realmId: company.realmId,
      invoiceId: id,
      docNumber: sent.DocNumber as string | undefined,
      to,
      subject: String(message.Subject ?? `Invoice ${String(sent.DocNumber ?? id)} from ${company.companyName}`),
      body: String(message.Message ?? 'Your invoice is attached.'),
    });
    return { Invoice: sent };
  }

  /** GET /invoice/{id}/pdf: the invoice as a PDF document (an unknown or deleted invoice is QBO's 610 fault). */
  invoicePdf(company: EmulatedCompany, id: string): Buffer {
    if (!/^\d+$/.test(id)) throw faults.invalidId(id);
    return invoicePdf(company.read('Invoice', id), company.companyName);
  }

  /** GET /cdc: changed and deleted objects since a moment no more than 30 days back, at most 1000 in all. */
  cdc(company: EmulatedCompany, entitiesParam: string | undefined, changedSinceParam: string | undefined): Body {
    if (!entitiesParam) throw faults.requiredParam('entities', 'Required parameter entities is missing in the request');
    if (!changedSinceParam)
      throw faults.requiredParam('changedSince', 'Required parameter changedSince is missing in the request');
    const since = parseQboDateTime(changedSinceParam, company.timeZone);
    if (!since)
      throw faults.invalidQuery(`QueryValidationError: changedSince is not a valid DateTime: ${changedSinceParam}`);
    const now = this.options.clock.now().getTime();
    if (now - since.getTime() > CDC_LOOKBACK_DAYS * 86_400_000) {
      throw new QboFault(400, {
        Message: 'Unsupported Operation',
        Detail:
          `Operation cdc with changedSince date ${changedSinceParam} ` +
          'which is older than fixed days is not supported.',
        code: '500',
      });
    }
    const entities = entitiesParam.split(',').map((name) => {
      const e = entityByName(name.trim());
      if (!e || !e.cdc) throw faults.invalidQuery(`QueryValidationError: invalid context declaration: ${name.trim()}`);
      return e;
    });
    let budget = CDC_MAX_OBJECTS;
    const responses = entities.map((e) => {
      const changed = this.changedObjects(company, e, since.getTime()).slice(0, Math.max(0, budget));
      budget -= changed.length;
      return changed.length === 0 ? {} : { [e.name]: changed, startPosition: 1, maxResults: changed.length };
    });
    return { CDCResponse: [{ QueryResponse: responses }] };
  }

  /** POST /batch: up to 30 items, each answered on its own (a failing item does not fail the others). */
  batch(company: EmulatedCompany, body: unknown): Body {
    const items = (body as Body | null)?.BatchItemRequest;
    if (!Array.isArray(items)) throw faults.requiredParam('BatchItemRequest');
    if (items.length > BATCH_MAX_ITEMS) {
      throw faults.businessValidation(
        `A batch request may hold at most ${BATCH_MAX_ITEMS} items; this one has ${items.length}.`,
        'BatchItemRequest',
      );
    }
    const seen = new Set<string>();
    const responses = items.map((raw: unknown) => {
      const item = (raw ?? {}) as Body;
      const bId = typeof item.bId === 'string' ? item.bId : undefined;
      try {
        if (!bId) throw faults.requiredParam('bId');
        if (seen.has(bId)) throw faults.businessValidation(`Duplicate bId ${bId} in the batch.`, 'bId');
        seen.add(bId);
        return { ...this.batchItem(company, item), bId };
      } catch (err) {
        if (!(err instanceof QboFault)) throw err;
        return { Fault: { Error: [err.error], type: err.type }, ...(bId ? { bId } : {}) };
      }
    });
    return { BatchItemResponse: responses };
  }

  /** Today's date in the company's zone, for `time`-less callers. */
  today(company: EmulatedCompany): string {
    return formatQboDate(this.options.clock.now(), company.timeZone);
  }

  private batchItem(company: EmulatedCompany, item: Body): Body {
    if (typeof item.Query === 'string') return this.query(company, item.Query);
    const entityKeys = Object.keys(item).filter((k) => k !== 'bId' && k !== 'operation' && k !== 'optionsData');
    const entity = entityKeys.length === 1 ? entityByName(entityKeys[0]!) : undefined;
    if (!entity || ENTITIES[entity.name].name !== entityKeys[0]) {
      throw faults.requestNotParsable(
        `Batch item must hold exactly one entity or a Query; found ${entityKeys.join(', ') || 'none'}`,
      );
    }
    const operation = typeof item.operation === 'string' ? item.operation : undefined;
    if (!operation) throw faults.requiredParam('operation');
    return this.write(company, entity.segment, operation, item[entity.name]);
  }

  private changedObjects(company: EmulatedCompany, entity: EntityDefinition, sinceMs: number): QboObject[] {
    const changed: Array<{ at: number; obj: QboObject }> = [];
    for (const obj of company.table(entity.name).values()) {
      const at = company.updatedAtMs(entity.name, obj.Id) ?? 0;
      if (at >= sinceMs) changed.push({ at, obj });
    }
    for (const d of company.deleted) {
      if (d.entity === entity.name && d.deletedAtMs >= sinceMs) {
        const deletedEntry = {
          domain: 'QBO',
          status: 'Deleted',
          Id: d.id,
          MetaData: { LastUpdatedTime: d.lastUpdated },
        } as unknown as QboObject;
        changed.push({ at: d.deletedAtMs, obj: deletedEntry });
      }
    }
    changed.sort((a, b) => a.at - b.at || Number(a.obj.Id) - Number(b.obj.Id));
    return changed.map((c) => c.obj);
  }

  private entityForSegment(segment: string): EntityDefinition {
    const entity = entityBySegment(segment);
    if (!entity) throw faults.unsupportedOperation(`/${segment}`);
    return entity;
  }
}
