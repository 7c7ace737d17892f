import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import type {
  Company,
  ConnectionStatus,
  ConnectionStore,
  OAuthStateStore,
  SealedConnection,
} from './connection-store-type.js';

const COMPANIES = 'companies';
const CONNECTIONS = 'qbo_connections';
const STATES = 'oauth_states';

function rowToCompany(r: Record<string, unknown>): Company {
  return {
    realmId: String(r.realm_id),
    companyName: String(r.company_name),
    environment: String(r.environment),
    status: r.status as ConnectionStatus,
    timeZone: (r.time_zone as string | null) ?? null,
    homeCurrency: (r.home_currency as string | null) ?? null,
    connectedAt: toDate(r.connected_at),
    disconnectedAt: toDate(r.disconnected_at),
  };
}

function rowToConnection(r: Record<string, unknown>): SealedConnection {
  return {
    realmId: String(r.realm_id),
    accessTokenEnc: String(r.access_token_enc),
    accessExpiresAt: toDate(r.access_expires_at)!,
    refreshTokenEnc: String(r.refresh_token_enc),
    refreshExpiresAt: toDate(r.refresh_expires_at)!,
    refreshHardExpiresAt: toDate(r.refresh_hard_expires_at),
    scopes: String(r.scopes),
    lastRefreshAt: toDate(r.last_refresh_at),
    lastIntuitTid: (r.last_intuit_tid as string | null) ?? null,
    tokenVersion: Number(r.token_version ?? 1),
  };
}

export function createConnectionStore(db: Db): ConnectionStore {
  return {
    async saveConnected(company, c, now) {
      await db.transaction(async (trx) => {
        const row = {
          realm_id: company.realmId,
          company_name: company.companyName,
          environment: company.environment,
          status: company.status,
          time_zone: company.timeZone,
          home_currency: company.homeCurrency,
          connected_at: company.connectedAt,
          disconnected_at: null,
          updated_at: now,
        };
        await trx(COMPANIES)
          .insert({ ...row, created_at: now })
          .onConflict('realm_id')
          .merge(row);
        const conn = { ...connectionRow(c, now), refresh_lease_owner: null, refresh_lease_until: null };
        await trx(CONNECTIONS)
          .insert(conn)
          .onConflict('realm_id')
          .merge({ ...conn, token_version: trx.raw('?? + 1', [`${CONNECTIONS}.token_version`]) });
      });
    },
    async getCompany(realmId) {
      const r = await db(COMPANIES).where({ realm_id: realmId }).first();
      return r ? rowToCompany(r) : undefined;
    },
    async listCompanies(realmIds) {
      if (realmIds?.length === 0) return [];
      const q = db(COMPANIES).orderBy('company_name');
      if (realmIds) q.whereIn('realm_id', [...realmIds]);
      return (await q).map(rowToCompany);
    },
    async getConnection(realmId) {
      const r = await db(CONNECTIONS).where({ realm_id: realmId }).first();
      return r ? rowToConnection(r) : undefined;
    },
    async setStatus(realmId, status, now) {
      await db(COMPANIES)
        .where({ realm_id: realmId })
        .update({
          status,
          updated_at: now,
          ...(status === 'disconnected' ? { disconnected_at: now } : {}),
        });
    },
    async updateDetails(realmId, d, now) {
      await db(COMPANIES)
        .where({ realm_id: realmId })
        .update({
          company_name: d.companyName,
          home_currency: d.homeCurrency,
          ...(d.timeZone ? { time_zone: d.timeZone } : {}),
          updated_at: now,
        });
    },
    async deleteTokens(realmId) {
      await db(CONNECTIONS).where({ realm_id: realmId }).delete();
    },
    async acquireRefreshLease(realmId, owner, until, now) {
      const taken = await db(CONNECTIONS)
        .where({ realm_id: realmId })
        .andWhere((q) => q.whereNull('refresh_lease_until').orWhere('refresh_lease_until', '<=', now))
        .update({ refresh_lease_owner: owner, refresh_lease_until: until });
      return taken === 1;
    },
    async saveRefreshed(c, owner, now) {
      const saved = await db(CONNECTIONS)
        .where({ realm_id: c.realmId, refresh_lease_owner: owner })
        .update({
          ...connectionRow(c, now),
          refresh_lease_owner: null,
          refresh_lease_until: null,
          token_version: db.raw('token_version + 1'),
        });
      return saved === 1;
    },
    async releaseRefreshLease(realmId, owner) {
      await db(CONNECTIONS)
        .where({ realm_id: realmId, refresh_lease_owner: owner })
        .update({ refresh_lease_owner: null, refresh_lease_until: null });
    },
  };
}

function connectionRow(c: SealedConnection, now: Date) {
  return {
    realm_id: c.realmId,
    access_token_enc: c.accessTokenEnc,
    access_expires_at: c.accessExpiresAt,
    refresh_token_enc: c.refreshTokenEnc,
    refresh_expires_at: c.refreshExpiresAt,
    refresh_hard_expires_at: c.refreshHardExpiresAt,
    scopes: c.scopes,
    last_refresh_at: c.lastRefreshAt,
    last_intuit_tid: c.lastIntuitTid,
    updated_at: now,
  };
}

export function createOAuthStateStore(db: Db): OAuthStateStore {
  return {
    async save(s) {
      await db(STATES).insert({
        state_hash: s.stateHash,
        purpose: s.purpose,
        session_id: s.sessionId,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        used_at: null,
      });
    },
    async consume(stateHash, now) {
      return db.transaction(async (trx) => {
        const row = await trx(STATES).where({ state_hash: stateHash }).first();
        if (!row || row.used_at !== null || toDate(row.expires_at)!.getTime() <= now.getTime()) return undefined;
        // The null guard makes a replay lose the race even if two callbacks arrive together.
        const changed = await trx(STATES)
          .where({ state_hash: stateHash })
          .whereNull('used_at')
          .update({ used_at: now });
        return changed === 1 ? { purpose: row.purpose, sessionId: row.session_id ?? null } : undefined;
      });
    },
    async purgeExpired(now) {
      return db(STATES).where('expires_at', '<', now).delete();
    },
  };
}
