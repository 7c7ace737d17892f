import OAuthClient from 'intuit-oauth';
import { classifyQboError } from './classify-error.js';
import { type IntuitEndpoints, pointLibrariesAt } from './endpoints.js';

export const SCOPES = {
  accounting: 'com.intuit.quickbooks.accounting',
  openid: 'openid',
  profile: 'profile',
  email: 'email',
} as const;

/** What an Intuit token endpoint hands back, in our names. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSec: number;
  refreshExpiresInSec: number;
  refreshHardExpiresInSec: number | undefined;
  idToken: string | undefined;
  realmId: string | undefined;
  intuitTid: string | undefined;
}

export interface IntuitUser {
  sub: string;
  email: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
}

export interface IntuitOAuthSettings {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: 'sandbox' | 'production' | 'emulator';
  endpoints: IntuitEndpoints;
}

interface RawToken {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  x_refresh_token_expires_in?: number;
  x_refresh_token_hard_expires_in?: number;
  id_token?: string;
  realmId?: string;
}

/**
 * intuit-oauth behind our own types. The library keeps one token per instance, so every call builds a
 * fresh client: one process serves many companies and never mixes their tokens.
 */
export class IntuitOAuth {
  constructor(private readonly settings: IntuitOAuthSettings) {}

  authorizeUrl(scopes: readonly string[], state: string): string {
    return this.client().authorizeUri({ scope: [...scopes], state });
  }

  /** Exchanges the code in the callback URL (which carries code, state and realmId) for tokens. */
  async exchangeCode(callbackUrl: string): Promise<TokenSet> {
    const client = this.client();
    try {
      const response = await client.createToken(callbackUrl);
      return toTokenSet(client.getToken().getToken() as RawToken, response?.intuit_tid);
    } catch (err) {
      throw classifyQboError(err, 'Intuit token exchange failed');
    }
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const client = this.client();
    try {
      const response = await client.refreshUsingToken(refreshToken);
      return toTokenSet(client.getToken().getToken() as RawToken, response?.intuit_tid);
    } catch (err) {
      throw classifyQboError(err, 'Intuit token refresh failed');
    }
  }

  async revoke(token: string): Promise<void> {
    try {
      await this.client().revoke({ refresh_token: token });
    } catch (err) {
      throw classifyQboError(err, 'Intuit token revoke failed');
    }
  }

  async userInfo(accessToken: string): Promise<IntuitUser> {
    const client = this.client();
    client.setToken({ access_token: accessToken, token_type: 'bearer' });
    try {
      const response = await client.getUserInfo();
      const json = (response.json ?? {}) as Record<string, unknown>;
      return {
        sub: String(json.sub ?? ''),
        email: typeof json.email === 'string' ? json.email : undefined,
        givenName: typeof json.givenName === 'string' ? json.givenName : undefined,
        familyName: typeof json.familyName === 'string' ? json.familyName : undefined,
      };
    } catch (err) {
      throw classifyQboError(err, 'Intuit userinfo failed');
    }
  }

  private client(): OAuthClient {
    pointLibrariesAt(this.settings.endpoints);
    return new OAuthClient({
      clientId: this.settings.clientId,
      clientSecret: this.settings.clientSecret,
      environment: this.settings.environment === 'production' ? 'production' : 'sandbox',
      redirectUri: this.settings.redirectUri,
      logging: false,
      includeRefreshTokenHardExpiresIn: true,
    });
  }
}

function toTokenSet(raw: RawToken, intuitTid: string | undefined): TokenSet {
  if (!raw.access_token || !raw.refresh_token)
    throw classifyQboError({ message: 'token response lacks tokens' }, 'Intuit token endpoint');
  return {
    accessToken: raw.access_token,
    refreshToken: raw.refresh_token,
    expiresInSec: Number(raw.expires_in ?? 3600),
    refreshExpiresInSec: Number(raw.x_refresh_token_expires_in ?? 8_726_400),
    refreshHardExpiresInSec:
      raw.x_refresh_token_hard_expires_in === undefined ? undefined : Number(raw.x_refresh_token_hard_expires_in),
    idToken: raw.id_token,
    realmId: raw.realmId || undefined,
    intuitTid,
  };
}
