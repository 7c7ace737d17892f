import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { signIdToken } from './id-token-signer.js';
import { userBySub, EMULATED_USERS, type EmulatedIntuitUser } from './oauth-users.js';

export interface OAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TokenResponse {
  token_type: 'bearer';
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
  id_token?: string;
}

/** What userinfo may show: the user, filtered by the scopes the grant carries. */
export interface UserInfoGrant {
  user: EmulatedIntuitUser;
  scopes: readonly string[];
}

export type AccessVerdict =
  | { ok: true; clientId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'revoked' | 'unknown' | 'wrong_realm' };

/** An OAuth failure as the token endpoint reports it: `{"error": code}` with its HTTP status. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope',
    readonly status: number,
    description?: string,
  ) {
    super(description ?? error);
  }
}

const SEC = 1000;
const HOUR = 3600 * SEC;
export const ACCESS_TOKEN_TTL_SEC = 3600;
export const REFRESH_TOKEN_TTL_SEC = 8_726_400;
const CODE_TTL_MS = 10 * 60 * SEC;
/** A new refresh token value about every 24 h; the previous one keeps working for a day after (qbo-api.md §7). */
const ROTATE_AFTER_MS = 24 * HOUR;
const PREVIOUS_GRACE_MS = 24 * HOUR;
const HARD_EXPIRY_MS = 5 * 365 * 24 * HOUR;
/** The scope that opens the v3 Accounting API; openid-only grants cannot call it. */
const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
const MAX_CODES = 10_000;

interface AuthorizationCode {
  /** realmId is '' when the consent named no company (an openid-only sign-in). */
  clientId: string;
  redirectUri: string;
  realmId: string;
  userSub: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  grantId?: string;
}
interface RefreshToken {
  value: string;
  issuedAt: number;
  expiresAt: number;
}
interface Grant {
  id: string;
  clientId: string;
  realmId: string;
  userSub: string;
  scopes: string[];
  authTime: number;
  hardExpiresAt: number;
  revoked: boolean;
  current: RefreshToken;
  previous?: { value: string; graceUntil: number };
}

const token = (prefix: string, bytes: number) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

/**
 * Intuit's OAuth 2.0 server state: authorization codes, grants (one per consent), rotating refresh tokens
 * and access tokens, all timed by the injected clock.
 */
export class TokenAuthority {
  private readonly clients: Map<string, OAuthClientRegistration>;
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshIndex = new Map<string, string>();
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>();

  constructor(private readonly o: { clock: Clock; clients: OAuthClientRegistration[] }) {
    this.clients = new Map(o.clients.map((c) => [c.clientId, c]));
  }

  get users(): readonly EmulatedIntuitUser[] {
    return EMULATED_USERS;
  }

  client(clientId: string | undefined): OAuthClientRegistration | undefined {
    return clientId ? this.clients.get(clientId) : undefined;
  }

  /** Client authentication for the token and revoke endpoints; constant-time on the secret. */
  authenticateClient(clientId: string | undefined, secret: string | undefined): OAuthClientRegistration {
    const client = this.client(clientId);
    if (!client || secret === undefined) throw new OAuthError('invalid_client', 401);
    const a = Buffer.from(client.clientSecret);
    const b = Buffer.from(secret);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new OAuthError('invalid_client', 401);
    return client;
  }

  /** Authorization codes are single-use and live 10 minutes, bound to client, redirect_uri, realm, scopes and user. */
  issueCode(c: Omit<AuthorizationCode, 'expiresAt' | 'used' | 'grantId'>): string {
    if (this.codes.size >= MAX_CODES) this.pruneCodes();
    const code = token('AB11', 36);
    this.codes.set(code, { ...c, expiresAt: this.now() + CODE_TTL_MS, used: false });
    return code;
  }

  exchangeCode(
    client: OAuthClientRegistration,
    code: string | undefined,
    redirectUri: string | undefined,
    includeHardExpiry: boolean,
  ): TokenResponse {
    if (!code || !redirectUri) throw new OAuthError('invalid_request', 400, 'code and redirect_uri are required');
    const entry = this.codes.get(code);
    if (
      !entry ||
      entry.clientId !== client.clientId ||
      entry.redirectUri !== redirectUri ||
      entry.expiresAt <= this.now()
    ) {
      throw new OAuthError('invalid_grant', 400);
    }
    if (entry.used) {
      // A replayed code may mean it was stolen: revoke what it produced (RFC 6749 §4.1.2).
      if (entry.grantId) this.revokeGrant(entry.grantId);
      throw new OAuthError('invalid_grant', 400);
    }
    entry.used = true;
    const now = this.now();
    const grant: Grant = {
      id: token('g', 12),
      clientId: client.clientId,
      realmId: entry.realmId,
      userSub: entry.userSub,
      scopes: entry.scopes,
      authTime: now,
      hardExpiresAt: now + HARD_EXPIRY_MS,
      revoked: false,
      current: this.newRefreshToken(now),
    };
    entry.grantId = grant.id;
    this.grants.set(grant.id, grant);
    this.refreshIndex.set(grant.current.value, grant.id);
    return this.respond(grant, includeHardExpiry);
  }

  refresh(
    client: OAuthClientRegistration,
    refreshToken: string | undefined,
    includeHardExpiry: boolean,
  ): TokenResponse {
    if (!refreshToken) throw new OAuthError('invalid_request', 400, 'refresh_token is required');
    const grant = this.grants.get(this.refreshIndex.get(refreshToken) ?? '');
    const now = this.now();
    if (!grant || grant.clientId !== client.clientId || grant.revoked || now >= grant.hardExpiresAt)
      throw new OAuthError('invalid_grant', 400);
    if (refreshToken === grant.current.value) {
      if (now >= grant.current.expiresAt) throw new OAuthError('invalid_grant', 400);
      if (now - grant.current.issuedAt >= ROTATE_AFTER_MS) {
        // The replaced value keeps working for a day (never past its own expiry) and then answers invalid_grant.
        grant.previous = {
          value: grant.current.value,
          graceUntil: Math.min(now + PREVIOUS_GRACE_MS, grant.current.expiresAt),
        };
        grant.current = this.newRefreshToken(now);
        this.refreshIndex.set(grant.current.value, grant.id);
      }
    } else if (!grant.previous || refreshToken !== grant.previous.value || now >= grant.previous.graceUntil) {
      this.refreshIndex.delete(refreshToken);
      throw new OAuthError('invalid_grant', 400);
    }
    return this.respond(grant, includeHardExpiry);
  }

  /** The revoke endpoint: either token of a grant revokes the whole grant. Unknown tokens are not an error. */
  revokeToken(client: OAuthClientRegistration, value: string): void {
    const grantId = this.refreshIndex.get(value) ?? this.accessTokens.get(value)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (grant && grant.clientId === client.clientId) this.revokeGrant(grant.id);
  }

  /** The user disconnected the app inside QuickBooks: every grant for the realm dies at once. */
  revokeRealm(realmId: string): void {
    for (const g of this.grants.values()) if (g.realmId === realmId) this.revokeGrant(g.id);
    for (const c of this.codes.values()) if (c.realmId === realmId) c.used = true;
  }

  verifyAccessToken(value: string | undefined, realmId: string): AccessVerdict {
    if (value === undefined) return { ok: false, reason: 'missing' };
    if (value.length < 20 || value.length > 4096) return { ok: false, reason: 'malformed' };
    const entry = this.accessTokens.get(value);
    const grant = entry ? this.grants.get(entry.grantId) : undefined;
    if (!entry || !grant) return { ok: false, reason: 'unknown' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (entry.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    // Another company's token, or a sign-in-only token without the accounting scope: both are refused (403).
    if (grant.realmId !== realmId || !grant.scopes.includes(ACCOUNTING_SCOPE))
      return { ok: false, reason: 'wrong_realm' };
    return { ok: true, clientId: grant.clientId };
  }

  /** Userinfo for a valid access token whose grant includes the openid scope. */
  userInfoFor(value: string | undefined): UserInfoGrant | 'invalid_token' | 'insufficient_scope' {
    const entry = value ? this.accessTokens.get(value) : undefined;
    const grant = entry ? this.grants.get(entry.grantId) : undefined;
    if (!entry || !grant || grant.revoked || entry.expiresAt <= this.now()) return 'invalid_token';
    if (!grant.scopes.includes('openid')) return 'insufficient_scope';
    const user = userBySub(grant.userSub);
    return user ? { user, scopes: grant.scopes } : 'invalid_token';
  }

  /** OAuth Playground: a grant and tokens for a realm without the consent dance. */
  issueTokensForRealm(realmId: string, clientId?: string): TokenResponse {
    const client = clientId ? this.client(clientId) : this.clients.values().next().value;
    if (!client)
      throw new Error(clientId ? `unknown client ${clientId}` : 'the emulator has no registered OAuth client');
    const code = this.issueCode({
      clientId: client.clientId,
      redirectUri: client.redirectUris[0] ?? '',
      realmId,
      userSub: EMULATED_USERS[0]!.sub,
      scopes: [ACCOUNTING_SCOPE],
    });
    return this.exchangeCode(client, code, client.redirectUris[0] ?? '', false);
  }

  private respond(grant: Grant, includeHardExpiry: boolean): TokenResponse {
    const now = this.now();
    const access = token('eyJlbXVsYXRvciI6dHJ1ZX0.', 48);
    this.accessTokens.set(access, { grantId: grant.id, expiresAt: now + ACCESS_TOKEN_TTL_SEC * SEC });
    if (this.accessTokens.size > 50_000) this.pruneAccessTokens(now);
    const user = userBySub(grant.userSub);
    return {
      token_type: 'bearer',
      access_token: access,
      refresh_token: grant.current.value,
      expires_in: ACCESS_TOKEN_TTL_SEC,
      x_refresh_token_expires_in: Math.floor((Math.min(grant.current.expiresAt, grant.hardExpiresAt) - now) / SEC),
      ...(includeHardExpiry ? { x_refresh_token_hard_expires_in: Math.floor((grant.hardExpiresAt - now) / SEC) } : {}),
      ...(grant.scopes.includes('openid') && user
        ? {
            id_token: signIdToken({
              clientId: grant.clientId,
              sub: user.sub,
              realmId: grant.realmId,
              ...(grant.scopes.includes('email') ? { email: user.email } : {}),
              nowSec: Math.floor(now / SEC),
              authTimeSec: Math.floor(grant.authTime / SEC),
            }),
          }
        : {}),
    };
  }

  private newRefreshToken(now: number): RefreshToken {
    return { value: token('AB11', 36), issuedAt: now, expiresAt: now + REFRESH_TOKEN_TTL_SEC * SEC };
  }

  private revokeGrant(id: string): void {
    const grant = this.grants.get(id);
    if (grant) grant.revoked = true;
  }

  private pruneCodes(): void {
    const now = this.now();
    for (const [value, entry] of this.codes) if (entry.expiresAt <= now) this.codes.delete(value);
  }

  private pruneAccessTokens(now: number): void {
    for (const [value, entry] of this.accessTokens) if (entry.expiresAt <= now) this.accessTokens.delete(value);
  }

  private now(): number {
    return this.o.clock.now().getTime();
  }
}
