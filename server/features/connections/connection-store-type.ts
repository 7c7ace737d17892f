export type ConnectionStatus = 'connected' | 'needs_reauth' | 'disconnected';

export interface Company {
  realmId: string;
  companyName: string;
  environment: string;
  status: ConnectionStatus;
  timeZone: string | null;
  homeCurrency: string | null;
  connectedAt: Date | null;
  disconnectedAt: Date | null;
}

/** Tokens as stored: sealed by the TokenCipher, never in clear text. */
export interface SealedConnection {
  realmId: string;
  accessTokenEnc: string;
  accessExpiresAt: Date;
  refreshTokenEnc: string;
  refreshExpiresAt: Date;
  refreshHardExpiresAt: Date | null;
  scopes: string;
  lastRefreshAt: Date | null;
  lastIntuitTid: string | null;
  /** Bumped on every token write; tells a waiting refresher that someone else already refreshed. */
  tokenVersion?: number;
}

export interface ConnectionStore {
  /** Saves the company and its tokens in one transaction (a connection never exists without its company). */
  saveConnected(company: Omit<Company, 'disconnectedAt'>, connection: SealedConnection, now: Date): Promise<void>;
  getCompany(realmId: string): Promise<Company | undefined>;
  /** Every company by name, or only those of `realmIds` (a user's: a page never reads the whole deployment's). */
  listCompanies(realmIds?: readonly string[]): Promise<Company[]>;
  getConnection(realmId: string): Promise<SealedConnection | undefined>;
  setStatus(realmId: string, status: ConnectionStatus, now: Date): Promise<void>;
  /** What QuickBooks says of the company on each sync: its name, home currency and (when known) time zone. */
  updateDetails(
    realmId: string,
    details: { companyName: string; homeCurrency: string | null; timeZone: string | null },
    now: Date,
  ): Promise<void>;
  deleteTokens(realmId: string): Promise<void>;
  /** Takes the refresh lease if nobody holds an unexpired one (compare-and-set). */
  acquireRefreshLease(realmId: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Stores refreshed tokens only while `owner` still holds the lease; clears the lease. False if it was lost. */
  saveRefreshed(connection: SealedConnection, owner: string, now: Date): Promise<boolean>;
  releaseRefreshLease(realmId: string, owner: string): Promise<void>;
}

export interface OAuthStateStore {
  save(state: {
    stateHash: string;
    purpose: 'connect' | 'sign_in';
    sessionId: string | null;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void>;
  /** Marks the state used and returns it, only if it exists, is unused and unexpired: single use. */
  consume(
    stateHash: string,
    now: Date,
  ): Promise<{ purpose: 'connect' | 'sign_in'; sessionId: string | null } | undefined>;
  purgeExpired(now: Date): Promise<number>;
}
