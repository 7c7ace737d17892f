import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { IntuitOAuth, TokenSet } from '../../qbo/intuit-oauth-client.js';
import { QboError, QboReauthRequired, QboTransient } from '../../qbo/qbo-errors.js';
import type { ConnectionStore, SealedConnection } from './connection-store-type.js';
import type { TokenCipher } from './token-cipher.js';

/** Refresh this long before the access token expires, so no request goes out with a dying token. */
export const ACCESS_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How long a process may hold the refresh lease; a crashed holder's lease simply runs out. */
export const REFRESH_LEASE_MS = 30_000;
const LEASE_POLL_MS = 100;

export interface TokenVaultDeps {
  store: ConnectionStore;
  cipher: TokenCipher;
  oauth: Pick<IntuitOAuth, 'refresh'>;
  clock: Clock;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Seals a token response for storage, with absolute expiry times. */
export function sealTokens(
  cipher: TokenCipher,
  realmId: string,
  t: TokenSet,
  scopes: string,
  now: Date,
  refreshedAt: Date | null,
): SealedConnection {
  return {
    realmId,
    accessTokenEnc: cipher.encrypt(t.accessToken),
    accessExpiresAt: new Date(now.getTime() + t.expiresInSec * 1000),
    refreshTokenEnc: cipher.encrypt(t.refreshToken),
    refreshExpiresAt: new Date(now.getTime() + t.refreshExpiresInSec * 1000),
    refreshHardExpiresAt:
      t.refreshHardExpiresInSec === undefined ? null : new Date(now.getTime() + t.refreshHardExpiresInSec * 1000),
    scopes,
    lastRefreshAt: refreshedAt,
    lastIntuitTid: t.intuitTid ?? null,
  };
}

/**
 * Hands out usable access tokens. A refresh is single-flight per company: in this process through a map of
 * in-flight promises, across processes through a lease taken by compare-and-set in the database. The new
 * (possibly rotated) refresh token is stored before the new access token is handed out.
 */
export class TokenVault {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly d: TokenVaultDeps) {
    this.sleep = d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * A usable access token. `rejected` names a token the API just refused (401): it is refreshed even if it
   * looks valid, unless the stored token has already moved on. `force` refreshes regardless (keep-alive).
   */
  async accessToken(realmId: string, options: { rejected?: string; force?: boolean } = {}): Promise<string> {
    const conn = await this.usableConnection(realmId);
    const current = this.d.cipher.decrypt(conn.accessTokenEnc);
    if (options.rejected !== undefined && current !== options.rejected && this.isFresh(conn)) return current;
    if (!options.force && options.rejected === undefined && this.isFresh(conn)) return current;
    const running = this.inFlight.get(realmId);
    if (running) return running;
    const refresh = this.refresh(realmId, conn.tokenVersion ?? 1).finally(() => this.inFlight.delete(realmId));
    this.inFlight.set(realmId, refresh);
    return refresh;
  }

  /** Runs an API call with a token; a 401 gets exactly one refresh and one retry. */
  async withAccessToken<T>(realmId: string, call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(realmId);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof QboReauthRequired) || err.details.status !== 401) throw err;
      this.d.logger.info({ realmId, intuitTid: err.intuitTid }, 'API answered 401; refreshing the access token once');
      return call(await this.accessToken(realmId, { rejected: token }));
    }
  }

  private isFresh(conn: SealedConnection): boolean {
    return conn.accessExpiresAt.getTime() - this.d.clock.now().getTime() > ACCESS_REFRESH_MARGIN_MS;
  }

  private async usableConnection(realmId: string): Promise<SealedConnection> {
    const [conn, company] = await Promise.all([this.d.store.getConnection(realmId), this.d.store.getCompany(realmId)]);
    if (!conn || !company || company.status !== 'connected') {
      throw new QboReauthRequired(`Company ${realmId} is not connected; reconnect it to QuickBooks.`, {});
    }
    return conn;
  }

  private async refresh(realmId: string, seenVersion: number): Promise<string> {
    const owner = randomUUID();
    const deadline = this.d.clock.now().getTime() + REFRESH_LEASE_MS;
    for (;;) {
      const now = this.d.clock.now();
      if (await this.d.store.acquireRefreshLease(realmId, owner, new Date(now.getTime() + REFRESH_LEASE_MS), now)) {
        return this.refreshHoldingLease(realmId, owner, seenVersion);
      }
      // Another process is refreshing: wait for its result rather than spend the refresh token twice.
      await this.sleep(LEASE_POLL_MS);
      const conn = await this.usableConnection(realmId);
      if ((conn.tokenVersion ?? 1) !== seenVersion && this.isFresh(conn))
        return this.d.cipher.decrypt(conn.accessTokenEnc);
      if (this.d.clock.now().getTime() > deadline)
        throw new QboTransient(`Another process has been refreshing company ${realmId}'s token for too long`);
    }
  }

  private async refreshHoldingLease(realmId: string, owner: string, seenVersion: number): Promise<string> {
    try {
      const conn = await this.usableConnection(realmId);
      // Someone refreshed between our read and our lease: use theirs.
      if ((conn.tokenVersion ?? 1) !== seenVersion && this.isFresh(conn))
        return this.d.cipher.decrypt(conn.accessTokenEnc);
      let tokens: TokenSet;
      try {
        tokens = await this.d.oauth.refresh(this.d.cipher.decrypt(conn.refreshTokenEnc));
      } catch (err) {
        if (err instanceof QboReauthRequired) {
          await this.d.store.setStatus(realmId, 'needs_reauth', this.d.clock.now());
          this.d.logger.warn(
            { realmId, code: err.code, intuitTid: err.intuitTid },
            'refresh refused; the company needs reconnecting',
          );
        }
        throw err;
      }
      const now = this.d.clock.now();
      const saved = await this.d.store.saveRefreshed(
        sealTokens(this.d.cipher, realmId, tokens, conn.scopes, now, now),
        owner,
        now,
      );
      if (!saved) throw new QboTransient(`Lost the refresh lease for company ${realmId} while refreshing`);
      this.d.logger.info({ realmId, intuitTid: tokens.intuitTid, rotated: true }, 'access token refreshed');
      return tokens.accessToken;
    } catch (err) {
      await this.d.store.releaseRefreshLease(realmId, owner).catch(() => undefined);
      throw err instanceof QboError
        ? err
        : new QboTransient(`Token refresh failed for company ${realmId}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Keep-alive: refreshes every connected company whose refresh token would expire within `withinMs`, so an
   * idle company's 100-day rolling refresh token never lapses. Returns what happened per company.
   */
  async keepAlive(
    withinMs: number,
  ): Promise<Array<{ realmId: string; outcome: 'refreshed' | 'fresh' | 'needs_reauth' | 'failed' }>> {
    const results: Array<{ realmId: string; outcome: 'refreshed' | 'fresh' | 'needs_reauth' | 'failed' }> = [];
    for (const company of await this.d.store.listCompanies()) {
      if (company.status !== 'connected') continue;
      const conn = await this.d.store.getConnection(company.realmId);
      if (!conn) continue;
      if (conn.refreshExpiresAt.getTime() - this.d.clock.now().getTime() > withinMs) {
        results.push({ realmId: company.realmId, outcome: 'fresh' });
        continue;
      }
      try {
        await this.accessToken(company.realmId, { force: true });
        results.push({ realmId: company.realmId, outcome: 'refreshed' });
      } catch (err) {
        results.push({
          realmId: company.realmId,
          outcome: err instanceof QboReauthRequired ? 'needs_reauth' : 'failed',
        });
      }
    }
    return results;
  }
}
