import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { IntuitOAuth, TokenSet } from '../../qbo/intuit-oauth-client.js';
import { SCOPES } from '../../qbo/intuit-oauth-client.js';
import type { QboApiClient } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired } from '../../qbo/qbo-errors.js';
import type { Company, ConnectionStore, OAuthStateStore } from './connection-store-type.js';
import type { TokenCipher } from './token-cipher.js';

export const STATE_TTL_MS = 10 * 60 * 1000;
/** Refresh this long before the access token expires, so no request goes out with a dying token. */
export const ACCESS_REFRESH_MARGIN_MS = 5 * 60 * 1000;
export const CONNECT_SCOPES = [SCOPES.accounting, SCOPES.openid, SCOPES.profile, SCOPES.email] as const;

/** A connection attempt that did not complete; the message and help are shown to the user. */
export class ConnectError extends AppError {
  readonly httpStatus = 400;
  constructor(readonly code: 'access_denied' | 'invalid_state' | 'oauth_error' | 'exchange_failed' | 'missing_realm', message: string, help: string, cause?: unknown) {
    super(message, { help, cause });
  }
}

export interface ConnectionServiceDeps {
  store: ConnectionStore;
  states: OAuthStateStore;
  cipher: TokenCipher;
  oauth: IntuitOAuth;
  qboClient: (realmId: string, accessToken: string) => QboApiClient;
  clock: Clock;
  environment: string;
  logger: Logger;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** Connecting a company to Duesense through Intuit's OAuth code flow, and keeping its tokens usable. */
export class ConnectionService {
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(private readonly d: ConnectionServiceDeps) {}

  /** Creates a single-use, expiring state and returns Intuit's authorize URL for it. */
  async beginConnect(options: { sessionId: string | null; purpose?: 'connect' | 'sign_in' } = { sessionId: null }): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const now = this.d.clock.now();
    await this.d.states.save({
      stateHash: hashState(state), purpose: options.purpose ?? 'connect', sessionId: options.sessionId,
      createdAt: now, expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    });
    return this.d.oauth.authorizeUrl(CONNECT_SCOPES, state);
  }

  /** Handles Intuit's redirect back: checks state first, then exchanges the code and stores the tokens sealed. */
  async completeConnect(callbackUrl: string, options: { sessionId: string | null }): Promise<Company> {
    const params = new URL(callbackUrl, 'http://callback.invalid').searchParams;
    const state = params.get('state');
    const consumed = state ? await this.d.states.consume(hashState(state), this.d.clock.now()) : undefined;
    if (!consumed || (consumed.sessionId !== null && consumed.sessionId !== options.sessionId)) {
      throw new ConnectError('invalid_state', 'This connection link has expired or was already used.', 'Start again from "Connect to QuickBooks".');
    }
    const error = params.get('error');
    if (error === 'access_denied') {
      throw new ConnectError('access_denied', 'QuickBooks was not connected: access was declined on the Intuit consent page.', 'Choose "Connect to QuickBooks" again and approve access when you are ready.');
    }
    if (error) throw new ConnectError('oauth_error', `Intuit reported an error: ${error}.`, 'Try connecting again; if it keeps failing, contact support with the time it happened.');
    const realmId = params.get('realmId');
    if (!realmId || !params.get('code')) {
      throw new ConnectError('missing_realm', 'Intuit did not say which company was connected.', 'Connect again and pick a company on the Intuit page.');
    }
    let tokens: TokenSet;
    try {
      tokens = await this.d.oauth.exchangeCode(callbackUrl);
    } catch (err) {
      const tid = err instanceof QboError ? err.intuitTid : undefined;
      this.d.logger.warn({ realmId, intuitTid: tid, errorClass: err instanceof QboError ? err.errorClass : 'unknown' }, 'OAuth code exchange failed');
      throw new ConnectError('exchange_failed', 'Intuit did not accept the connection.', 'Start again from "Connect to QuickBooks". Codes are valid for a few minutes only.', err);
    }
    const info = await this.d.qboClient(realmId, tokens.accessToken).getCompanyInfo();
    const prefs = await this.d.qboClient(realmId, tokens.accessToken).getPreferences().catch(() => undefined);
    const now = this.d.clock.now();
    const company: Omit<Company, 'disconnectedAt'> = {
      realmId,
      companyName: String(info.CompanyName ?? realmId),
      environment: this.d.environment,
      status: 'connected',
      timeZone: null,
      homeCurrency: homeCurrencyOf(prefs),
      connectedAt: now,
    };
    await this.d.store.saveConnected(company, this.seal(realmId, tokens, now, null), now);
    this.d.logger.info({ realmId, intuitTid: tokens.intuitTid }, 'company connected');
    return { ...company, disconnectedAt: null };
  }

  /** A usable access token, refreshed shortly before expiry; one refresh per company at a time in this process. */
  async accessToken(realmId: string): Promise<string> {
    const conn = await this.d.store.getConnection(realmId);
    const company = await this.d.store.getCompany(realmId);
    if (!conn || !company || company.status !== 'connected') {
      throw new QboReauthRequired(`Company ${realmId} is not connected`, {});
    }
    if (conn.accessExpiresAt.getTime() - this.d.clock.now().getTime() > ACCESS_REFRESH_MARGIN_MS) {
      return this.d.cipher.decrypt(conn.accessTokenEnc);
    }
    const inFlight = this.refreshing.get(realmId);
    if (inFlight) return inFlight;
    const refresh = this.refresh(realmId, conn.refreshTokenEnc, conn.scopes).finally(() => this.refreshing.delete(realmId));
    this.refreshing.set(realmId, refresh);
    return refresh;
  }

  async disconnect(realmId: string): Promise<void> {
    const conn = await this.d.store.getConnection(realmId);
    if (conn) {
      await this.d.oauth.revoke(this.d.cipher.decrypt(conn.refreshTokenEnc)).catch((err: unknown) => {
        // The grant may already be gone on Intuit's side; the local disconnect still happens.
        this.d.logger.warn({ realmId, errorClass: err instanceof QboError ? err.errorClass : 'unknown' }, 'token revoke failed');
      });
      await this.d.store.deleteTokens(realmId);
    }
    await this.d.store.setStatus(realmId, 'disconnected', this.d.clock.now());
  }

  listCompanies(): Promise<Company[]> {
    return this.d.store.listCompanies();
  }

  private async refresh(realmId: string, refreshTokenEnc: string, scopes: string): Promise<string> {
    let tokens: TokenSet;
    try {
      tokens = await this.d.oauth.refresh(this.d.cipher.decrypt(refreshTokenEnc));
    } catch (err) {
      if (err instanceof QboReauthRequired) await this.d.store.setStatus(realmId, 'needs_reauth', this.d.clock.now());
      throw err;
    }
    const now = this.d.clock.now();
    const company = (await this.d.store.getCompany(realmId))!;
    // The rotated refresh token is persisted before the new access token is used.
    await this.d.store.saveConnected(company, { ...this.seal(realmId, tokens, now, now), scopes }, now);
    return tokens.accessToken;
  }

  private seal(realmId: string, t: TokenSet, now: Date, refreshedAt: Date | null) {
    return {
      realmId,
      accessTokenEnc: this.d.cipher.encrypt(t.accessToken),
      accessExpiresAt: new Date(now.getTime() + t.expiresInSec * 1000),
      refreshTokenEnc: this.d.cipher.encrypt(t.refreshToken),
      refreshExpiresAt: new Date(now.getTime() + t.refreshExpiresInSec * 1000),
      refreshHardExpiresAt: t.refreshHardExpiresInSec === undefined ? null : new Date(now.getTime() + t.refreshHardExpiresInSec * 1000),
      scopes: CONNECT_SCOPES.join(' '),
      lastRefreshAt: refreshedAt,
      lastIntuitTid: t.intuitTid ?? null,
    };
  }
}

function homeCurrencyOf(prefs: Record<string, unknown> | undefined): string | null {
  const home = (prefs?.CurrencyPrefs as { HomeCurrency?: { value?: string } } | undefined)?.HomeCurrency?.value;
  return typeof home === 'string' ? home : null;
}
