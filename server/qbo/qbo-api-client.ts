import { classifyQboError } from './classify-error.js';
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

type Callback = (err: unknown, data: unknown) => void;
/** node-quickbooks' callback API as we use it: one method name, its arguments, then the callback. */
type CallbackApi = Record<string, (...args: unknown[]) => void>;

/**
 * node-quickbooks for one company and one access token, promisified, with every failure classified.
 * Built per call site by the gateway, which owns tokens and rate limiting.
 */
export class QboApiClient {
  private readonly qb: CallbackApi;

  constructor(settings: QboApiSettings, readonly realmId: string, accessToken: string) {
    pointLibrariesAt(settings.endpoints);
    const qb = new NodeQuickBooks(
      settings.clientId, settings.clientSecret, accessToken, false, realmId,
      settings.environment !== 'production', false, '75', '2.0',
    ) as unknown as CallbackApi & { endpoint: string };
    // The base URL is a process-global static; pin it on the instance too.
    qb.endpoint = settings.endpoints.apiBase;
    this.qb = qb;
  }

  getCompanyInfo(): Promise<QboEntity> {
    return this.call<Record<string, QboEntity>>('getCompanyInfo', [this.realmId], 'read CompanyInfo').then((d) => (d.CompanyInfo ?? d) as QboEntity);
  }

  getPreferences(): Promise<QboEntity> {
    return this.call<Record<string, QboEntity>>('getPreferences', [], 'read Preferences').then((d) => (d.Preferences ?? d) as QboEntity);
  }

  protected call<T>(method: string, args: unknown[], what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fn = this.qb[method];
      if (typeof fn !== 'function') return reject(new Error(`node-quickbooks has no method ${method}`));
      try {
        fn.call(this.qb, ...args, ((err, data) => {
          if (err) reject(classifyQboError(err, `QuickBooks ${what}`));
          else resolve(data as T);
        }) as Callback);
      } catch (err) {
        reject(classifyQboError(err, `QuickBooks ${what}`));
      }
    });
  }
}
