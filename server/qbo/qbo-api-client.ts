import { classifyQboError, decodeBinary } from './classify-error.js';
import { QboPermanent, QboTransient, type QboError } from './qbo-errors.js';
import { type IntuitEndpoints, pointLibrariesAt } from './endpoints.js';
import { NodeQuickBooks } from './node-quickbooks-module.js';

/** A raw QBO entity as the API returns it; mappers in the features turn it into domain rows. */
export type QboEntity = Record<string, unknown> & { Id: string; SyncToken: string };

export interface QboApiSettings {
  clientId: string;
  clientSecret: string;
  endpoints: IntuitEndpoints;
  environment: 'sandbox' | 'production' | 'emulator';
}

type Callback = (err: unknown, data: unknown, res?: unknown) => void;
/**
 * Runs one API call: the per-realm rate limiter (spacing and retries of transient failures). Batch requests have a
 * quota of their own besides (40 a minute per company).
 */
export type Gate = <T>(call: () => Promise<T>, kind?: 'api' | 'batch') => Promise<T>;

/** One update of a batch request: its bId (unique in the batch), the entity type and the sparse body. */
export interface BatchUpdate {
  bId: string;
  entity: 'Customer' | 'Invoice';
  body: Record<string, unknown>;
}

/** One operation's answer: the entity as QBO now has it, or its failure (each operation succeeds or fails alone). */
export type BatchItemOutcome = { entity: QboEntity; error?: undefined } | { entity?: undefined; error: QboError };

/** One query of a batch request: its bId (unique in the batch) and the whole query text. */
export interface BatchQuery {
  bId: string;
  query: string;
}

/** One query's answer: its rows, or its failure. */
export type BatchQueryOutcome = { rows: QboEntity[]; error?: undefined } | { rows?: undefined; error: QboError };

/** QuickBooks' documented maximum of operations in one batch request. */
export const BATCH_MAX_OPERATIONS = 30;

/** One page of a query: the rows and the server's time when it answered. */
export interface QueryPage {
  rows: QboEntity[];
  /** QBO's envelope `time`: the server clock at the answer, with its offset. */
  time: string;
}

/** A CDC answer: changed (and deleted, as stubs with status "Deleted") objects per entity. */
export interface CdcResult {
  byEntity: Map<string, QboEntity[]>;
  time: string;
}
/** node-quickbooks' callback API as we use it: one method name, its arguments, then the callback. */
type CallbackApi = Record<string, (...args: unknown[]) => void>;

/**
 * node-quickbooks for one company and one access token, promisified, with every failure classified.
 * Built per call site by the gateway, which owns tokens and rate limiting.
 */
export class QboApiClient {
  private readonly qb: CallbackApi;

  constructor(
    settings: QboApiSettings,
    readonly realmId: string,
    accessToken: string,
    private readonly gate: Gate = (call) => call(),
  ) {
    pointLibrariesAt(settings.endpoints);
    const qb = new NodeQuickBooks(
      settings.clientId,
      settings.clientSecret,
      accessToken,
      false,
      realmId,
      settings.environment !== 'production',
      false,
      '75',
      '2.0',
    ) as unknown as CallbackApi & { endpoint: string };
    // The base URL is a process-global static; pin it on the instance too.
    qb.endpoint = settings.endpoints.apiBase;
    this.qb = qb;
  }

  getCompanyInfo(): Promise<QboEntity> {
    return this.call<Record<string, QboEntity>>('getCompanyInfo', [this.realmId], 'read CompanyInfo').then(
      (d) => (d.CompanyInfo ?? d) as QboEntity,
    );
  }

  getPreferences(): Promise<QboEntity> {
    return this.call<Record<string, QboEntity>>('getPreferences', [], 'read Preferences').then(
      (d) => (d.Preferences ?? d) as QboEntity,
    );
  }

  /**
   * A query given as the part after `select * from <entity>` (node-quickbooks appends a string criterion
   * verbatim and URL-encodes it),
   * e.g. `where MetaData.LastUpdatedTime >= '…' orderby … startposition 1 maxresults 1000`.
   */
  async query(entity: string, criteria: string): Promise<QueryPage> {
    const data = await this.call<{ QueryResponse?: Record<string, unknown>; time?: string }>(
      `find${pluralMethod(entity)}`,
      [criteria],
      `query ${entity}`,
    );
    const response = data.QueryResponse ?? {};
    const key = Object.keys(response).find((k) => k.toLowerCase() === entity.toLowerCase());
    return { rows: (key ? response[key] : []) as QboEntity[], time: String(data.time ?? '') };
  }

  /** Change data capture since an instant (sent as UTC: node-quickbooks would format a Date in local time). */
  async cdc(entities: readonly string[], changedSince: Date): Promise<CdcResult> {
    const data = await this.call<{
      CDCResponse?: Array<{ QueryResponse?: Array<Record<string, unknown>> }>;
      time?: string;
    }>('changeDataCapture', [entities.join(','), changedSince.toISOString()], 'change data capture');
    const byEntity = new Map<string, QboEntity[]>(entities.map((e) => [e, []]));
    for (const block of data.CDCResponse?.[0]?.QueryResponse ?? []) {
      for (const [key, value] of Object.entries(block)) {
        const entity = entities.find((e) => e.toLowerCase() === key.toLowerCase());
        if (entity && Array.isArray(value)) byEntity.get(entity)!.push(...(value as QboEntity[]));
      }
    }
    return { byEntity, time: String(data.time ?? '') };
  }

  /** One entity by id; undefined when QBO says it does not exist (fault 610). */
  async read(entity: string, id: string): Promise<QboEntity | undefined> {
    try {
      const data = await this.call<Record<string, QboEntity>>(`get${entity}`, [id], `read ${entity} ${id}`);
      return (data[entity] ?? data) as QboEntity;
    } catch (err) {
      if ((err as { code?: string }).code === '610') return undefined;
      throw err;
    }
  }

  /**
   * The invoice as QuickBooks renders it for the customer: GET /invoice/{id}/pdf with `Accept: application/pdf`
   * (node-quickbooks' getInvoicePdf). A fault is classified like any other call (610 for an unknown invoice); an
   * answer that is not a PDF is a permanent failure, never passed on as an attachment.
   */
  async invoicePdf(id: string): Promise<Buffer> {
    const what = `invoice ${id} as a PDF`;
    const data = await this.call<unknown>('getInvoicePdf', [id], what);
    const bytes =
      data instanceof Uint8Array || data instanceof ArrayBuffer
        ? Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data)
        : undefined;
    if (bytes && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return bytes;
    const body = bytes ? decodeBinary(bytes) : data;
    if (body && typeof body === 'object' && ('Fault' in body || 'fault' in body))
      throw classifyQboError({ ...body }, `QuickBooks ${what}`);
    throw new QboPermanent(`QuickBooks ${what}: the answer is not a PDF document`);
  }

  /**
   * Sparse updates (Customer and Invoice may mix) in one batch request (at most 30). node-quickbooks' batch() sends no
   * `requestid`: a replayed batch is made harmless by the SyncToken each update carries (docs/writeback.md).
   */
  async batchUpdate(updates: readonly BatchUpdate[]): Promise<Map<string, BatchItemOutcome>> {
    if (updates.length > BATCH_MAX_OPERATIONS)
      throw new RangeError(`A batch holds at most ${BATCH_MAX_OPERATIONS} operations, not ${updates.length}`);
    const items = updates.map((u) => ({ bId: u.bId, operation: 'update', [u.entity]: u.body }));
    const { data, intuitTid } = await this.answer<{ BatchItemResponse?: Array<Record<string, unknown>> }>(
      'batch',
      [items],
      `batch of ${updates.length} updates`,
      'batch',
    );
    const entityOf = new Map(updates.map((u) => [u.bId, u.entity]));
    const outcomes = new Map<string, BatchItemOutcome>();
    for (const item of data.BatchItemResponse ?? []) {
      const bId = String(item.bId);
      const entity = entityOf.get(bId);
      if (entity === undefined) continue;
      // An operation's fault carries the batch request's intuit_tid: the id Intuit support asks for.
      if (item.Fault)
        outcomes.set(bId, {
          error: classifyQboError({ Fault: item.Fault, intuit_tid: intuitTid }, `QuickBooks update of ${entity}`),
        });
      else if (item[entity]) outcomes.set(bId, { entity: item[entity] as QboEntity });
    }
    return outcomes;
  }

  /**
   * Queries (at most 30) in one batch request: one request against the company's quotas instead of one each. A query
   * the answer leaves out is a transient failure of that query alone.
   */
  async batchQuery(queries: readonly BatchQuery[]): Promise<Map<string, BatchQueryOutcome>> {
    if (queries.length > BATCH_MAX_OPERATIONS)
      throw new RangeError(`A batch holds at most ${BATCH_MAX_OPERATIONS} operations, not ${queries.length}`);
    const items = queries.map((q) => ({ bId: q.bId, Query: q.query }));
    const { data, intuitTid } = await this.answer<{ BatchItemResponse?: Array<Record<string, unknown>> }>(
      'batch',
      [items],
      `batch of ${queries.length} queries`,
      'batch',
    );
    const answered = new Map((data.BatchItemResponse ?? []).map((item) => [String(item.bId), item]));
    const outcomes = new Map<string, BatchQueryOutcome>();
    for (const { bId } of queries) {
      const item = answered.get(bId);
      if (item?.Fault)
        outcomes.set(bId, {
          error: classifyQboError({ Fault: item.Fault, intuit_tid: intuitTid }, 'QuickBooks query'),
        });
      else if (item?.QueryResponse && typeof item.QueryResponse === 'object') {
        // An empty answer has no entity key (§2 of the API notes); otherwise the one array is the rows.
        const rows = Object.values(item.QueryResponse).find(Array.isArray) as QboEntity[] | undefined;
        outcomes.set(bId, { rows: rows ?? [] });
      } else outcomes.set(bId, { error: new QboTransient(`QuickBooks query ${bId}: no answer in the batch`) });
    }
    return outcomes;
  }

  /** A sparse update of one entity, sent with a `requestid` so that a retry of the same request is answered once. */
  async update(entity: 'Customer' | 'Invoice', body: Record<string, unknown>, requestId: string): Promise<QboEntity> {
    const data = await this.call<Record<string, QboEntity>>(
      `update${entity}`,
      [{ ...body, requestId }],
      `update ${entity} ${String(body.Id)}`,
    );
    return (data[entity] ?? data) as QboEntity;
  }

  /**
   * QuickBooks' own invoice email (POST /invoice/{id}/send): to the invoice's BillEmail, or to `sendTo` (which
   * QuickBooks then keeps as the BillEmail). Returns the invoice with its EmailStatus and DeliveryInfo.
   */
  async sendInvoice(id: string, sendTo?: string): Promise<QboEntity> {
    // node-quickbooks appends sendTo to the path as it is: encoded here so an address cannot add a parameter.
    const args: unknown[] = sendTo === undefined ? [id] : [id, encodeURIComponent(sendTo)];
    const data = await this.call<Record<string, QboEntity>>('sendInvoicePdf', args, `send invoice ${id}`);
    return (data.Invoice ?? data) as QboEntity;
  }

  protected call<T>(method: string, args: unknown[], what: string, kind: 'api' | 'batch' = 'api'): Promise<T> {
    return this.answer<T>(method, args, what, kind).then((a) => a.data);
  }

  /** The answer's body and its intuit_tid header. */
  private answer<T>(
    method: string,
    args: unknown[],
    what: string,
    kind: 'api' | 'batch' = 'api',
  ): Promise<{ data: T; intuitTid: string | undefined }> {
    return this.gate(() => this.callOnce<T>(method, args, what), kind);
  }

  private callOnce<T>(
    method: string,
    args: unknown[],
    what: string,
  ): Promise<{ data: T; intuitTid: string | undefined }> {
    return new Promise((resolve, reject) => {
      const fn = this.qb[method];
      if (typeof fn !== 'function') return reject(new Error(`node-quickbooks has no method ${method}`));
      try {
        fn.call(this.qb, ...args, ((err, data, res) => {
          if (err) reject(classifyQboError(err, `QuickBooks ${what}`));
          else resolve({ data: data as T, intuitTid: intuitTidOf(res) });
        }) as Callback);
      } catch (err) {
        reject(classifyQboError(err, `QuickBooks ${what}`));
      }
    });
  }
}

/** The intuit_tid header of node-quickbooks' axios response, when there is one. */
function intuitTidOf(res: unknown): string | undefined {
  const headers = (res as { headers?: Record<string, unknown> } | undefined)?.headers;
  const tid = headers?.intuit_tid ?? headers?.['intuit-tid'];
  return typeof tid === 'string' ? tid : undefined;
}

/** node-quickbooks' plural method names: findCustomers, findCreditMemos, findPreferenceses (sic). */
function pluralMethod(entity: string): string {
  if (entity === 'Preferences') return 'Preferenceses';
  if (entity === 'CompanyInfo') return 'CompanyInfos';
  return `${entity}s`;
}
