import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { IntuitOAuth, TokenSet } from '../../qbo/intuit-oauth-client.js';
import { SCOPES } from '../../qbo/intuit-oauth-client.js';
import type { IdTokenClaims } from '../../qbo/id-token.js';
import type { QboApiClient } from '../../qbo/qbo-api-client.js';
import { QboError, QboReauthRequired } from '../../qbo/qbo-errors.js';
import type { IntuitIdentity } from '../users/user-store-type.js';
import type { Company, ConnectionStore, OAuthStateStore } from './connection-store-type.js';
import type { TokenCipher } from './token-cipher.js';
import { sealTokens, type TokenVault } from './token-vault.js';

export const STATE_TTL_MS = 10 * 60 * 1000;
/** Connecting always signs the user in too (OpenID), so we know who may open the company. */
export const CONNECT_SCOPES = [SCOPES.accounting, SCOPES.openid, SCOPES.profile, SCOPES.email] as const;

export type ConnectErrorCode =
  'access_denied' | 'invalid_state' | 'oauth_error' | 'exchange_failed' | 'missing_realm' | 'identity_failed';

/** A connection attempt that did not complete; the message and help are shown to the user. */
export class ConnectError extends AppError {
  readonly httpStatus = 400;
  constructor(
    readonly code: ConnectErrorCode,
    message: string,
    help: string,
    cause?: unknown,
  ) {
    super(message, { help, cause });
  }
}

export interface ConnectionServiceDeps {
  store: ConnectionStore;
  states: OAuthStateStore;
  cipher: TokenCipher;
  oauth: IntuitOAuth;
  vault: TokenVault;
  qboClient: (realmId: string, accessToken: string) => QboApiClient;
  verifyIdToken: (idToken: string) => Promise<IdTokenClaims>;
  clock: Clock;
  environment: string;
  logger: Logger;
}

export interface TokenTimes {
  accessExpiresAt: Date;
  refreshExpiresAt: Date;
  refreshHardExpiresAt: Date | null;
  lastRefreshAt: Date | null;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** Connecting a company to Duesense through Intuit's OAuth code flow, and disconnecting it. */
export class ConnectionService {
  constructor(private readonly d: ConnectionServiceDeps) {}

  /** Creates a single-use, expiring state bound to the browser session and returns Intuit's authorize URL. */
  async beginConnect(options: { sessionId: string | null; purpose?: 'connect' | 'sign_in' }): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const now = this.d.clock.now();
    await this.d.states.save({
      stateHash: hashState(state),
      purpose: options.purpose ?? 'connect',
      sessionId: options.sessionId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    });
    return this.d.oauth.authorizeUrl(CONNECT_SCOPES, state);
  }

  /**
   * Handles Intuit's redirect back: state first (single use, same browser session, unexpired), then the
   * error parameter, then the code exchange; tokens are stored sealed, and the signed-in Intuit user is
   * returned from the verified id_token.
   */
  async completeConnect(
    callbackUrl: string,
    options: { sessionId: string | null },
  ): Promise<{ company: Company; identity: IntuitIdentity | undefined }> {
    const params = new URL(callbackUrl, 'http://callback.invalid').searchParams;
    const state = params.get('state');
    const consumed = state ? await this.d.states.consume(hashState(state), this.d.clock.now()) : undefined;
    if (!consumed || (consumed.sessionId !== null && consumed.sessionId !== options.sessionId)) {
      throw new ConnectError(
        'invalid_state',
        'This connection link has expired or was already used.',
        'Start again from "Connect to QuickBooks".',
      );
    }
    const error = params.get('error');
    if (error === 'access_denied') {
      throw new ConnectError(
        'access_denied',
        'QuickBooks was not connected: access was declined on the Intuit consent page.',
        'Choose "Connect to QuickBooks" again and approve access when you are ready.',
      );
    }
    if (error)
      throw new ConnectError(
        'oauth_error',
        `Intuit reported an error: ${error}.`,
        'Try connecting again; if it keeps failing, contact support with the time it happened.',
      );
    const realmId = params.get('realmId');
    if (!realmId || !params.get('code')) {
      throw new ConnectError(
        'missing_realm',
        'Intuit did not say which company was connected.',
        'Connect again and pick a company on the Intuit page.',
      );
    }
    let tokens: TokenSet;
    try {
      tokens = await this.d.oauth.exchangeCode(callbackUrl);
    } catch (err) {
      this.d.logger.warn(
        {
          realmId,
          intuitTid: err instanceof QboError ? err.intuitTid : undefined,
          errorClass: err instanceof QboError ? err.errorClass : 'unknown',
        },
        'OAuth code exchange failed',
      );
      throw new ConnectError(
        'exchange_failed',
        'Intuit did not accept the connection.',
        'Start again from "Connect to QuickBooks". Codes are valid for a few minutes only.',
        err,
      );
    }
    const identity = tokens.idToken ? await this.identityFrom(tokens) : undefined;
    const api = this.d.qboClient(realmId, tokens.accessToken);
    const info = await api.getCompanyInfo();
    const prefs = await api.getPreferences().catch(() => undefined);
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
    await this.d.store.saveConnected(
      company,
      sealTokens(this.d.cipher, realmId, tokens, CONNECT_SCOPES.join(' '), now, null),
      now,
    );
    this.d.logger.info({ realmId, intuitTid: tokens.intuitTid }, 'company connected');
    return { company: { ...company, disconnectedAt: null }, identity };
  }

  /** In-app disconnect: revokes the grant at Intuit, forgets the tokens, keeps the company's data. */
  async disconnect(realmId: string): Promise<void> {
    const conn = await this.d.store.getConnection(realmId);
    if (conn) {
      await this.d.oauth.revoke(this.d.cipher.decrypt(conn.refreshTokenEnc)).catch((err: unknown) => {
        // The grant may already be gone on Intuit's side; the local disconnect still happens.
        this.d.logger.warn(
          { realmId, errorClass: err instanceof QboError ? err.errorClass : 'unknown' },
          'token revoke failed',
        );
      });
      await this.d.store.deleteTokens(realmId);
    }
    await this.d.store.setStatus(realmId, 'disconnected', this.d.clock.now());
    this.d.logger.info({ realmId }, 'company disconnected in the app');
  }

  /**
   * Intuit's Disconnect URL was visited for this company. Anyone can visit a URL, so it is taken as a hint:
   * the connection is probed with a refresh, and only a refusal from Intuit marks the company disconnected.
   */
  async confirmDisconnectedAtIntuit(realmId: string): Promise<'disconnected' | 'still_connected' | 'unknown_company'> {
    const company = await this.d.store.getCompany(realmId);
    if (!company) return 'unknown_company';
    if (company.status === 'disconnected') return 'disconnected';
    try {
      await this.d.vault.accessToken(realmId, { force: true });
      return 'still_connected';
    } catch (err) {
      if (!(err instanceof QboReauthRequired)) throw err;
      await this.d.store.deleteTokens(realmId);
      await this.d.store.setStatus(realmId, 'disconnected', this.d.clock.now());
      this.d.logger.info({ realmId }, 'company disconnected from inside QuickBooks');
      return 'disconnected';
    }
  }

  listCompanies(realmIds?: readonly string[]): Promise<Company[]> {
    return this.d.store.listCompanies(realmIds);
  }

  /** When the company's tokens expire and were last refreshed: what an operator may see, never the tokens. */
  async tokenTimes(realmId: string): Promise<TokenTimes | undefined> {
    const conn = await this.d.store.getConnection(realmId);
    if (!conn) return undefined;
    return {
      accessExpiresAt: conn.accessExpiresAt,
      refreshExpiresAt: conn.refreshExpiresAt,
      refreshHardExpiresAt: conn.refreshHardExpiresAt,
      lastRefreshAt: conn.lastRefreshAt,
    };
  }

  getCompany(realmId: string): Promise<Company | undefined> {
    return this.d.store.getCompany(realmId);
  }

  private async identityFrom(tokens: TokenSet): Promise<IntuitIdentity> {
    try {
      const claims = await this.d.verifyIdToken(tokens.idToken!);
      // Names come from userinfo; the id_token alone carries only the subject (and sometimes email).
      const profile = await this.d.oauth.userInfo(tokens.accessToken).catch(() => undefined);
      return {
        sub: claims.sub,
        email: profile?.email ?? claims.email,
        givenName: profile?.givenName,
        familyName: profile?.familyName,
      };
    } catch (err) {
      this.d.logger.warn(
        { errorClass: err instanceof QboError ? err.errorClass : 'unknown' },
        'id_token verification failed',
      );
      throw new ConnectError(
        'identity_failed',
        'Intuit did not confirm who you are.',
        'Sign in again from "Connect to QuickBooks".',
        err,
      );
    }
  }
}

function homeCurrencyOf(prefs: Record<string, unknown> | undefined): string | null {
  const home = (prefs?.CurrencyPrefs as { HomeCurrency?: { value?: string } } | undefined)?.HomeCurrency?.value;
  return typeof home === 'string' ? home : null;
}
