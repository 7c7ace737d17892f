import type { Company, ConnectionStore, SealedConnection } from './connection-store-type.js';

interface Lease {
  owner: string;
  until: Date;
}

/**
 * ConnectionStore in memory, for unit tests: the same compare-and-set refresh lease (taken only when none is
 * unexpired; tokens saved only by its holder) and the token version bumped on every token write.
 */
export function createFakeConnectionStore(): ConnectionStore {
  const companies = new Map<string, Company>();
  const connections = new Map<string, SealedConnection>();
  const leases = new Map<string, Lease>();
  const copy = <T extends object>(o: T): T => ({ ...o });
  const bumped = (c: SealedConnection, previous: SealedConnection | undefined): SealedConnection => ({
    ...c,
    tokenVersion: (previous?.tokenVersion ?? 0) + 1,
  });

  return {
    async saveConnected(company, connection) {
      companies.set(company.realmId, { ...company, disconnectedAt: null });
      connections.set(connection.realmId, bumped(connection, connections.get(connection.realmId)));
      leases.delete(connection.realmId);
    },
    async getCompany(realmId) {
      const c = companies.get(realmId);
      return c && copy(c);
    },
    async listCompanies(realmIds) {
      return [...companies.values()]
        .filter((c) => realmIds === undefined || realmIds.includes(c.realmId))
        .sort((a, b) => a.companyName.localeCompare(b.companyName))
        .map(copy);
    },
    async getConnection(realmId) {
      const c = connections.get(realmId);
      return c && copy(c);
    },
    async setStatus(realmId, status, now) {
      const c = companies.get(realmId);
      if (c) companies.set(realmId, { ...c, status, ...(status === 'disconnected' ? { disconnectedAt: now } : {}) });
    },
    async updateDetails(realmId, d) {
      const c = companies.get(realmId);
      if (c)
        companies.set(realmId, {
          ...c,
          companyName: d.companyName,
          homeCurrency: d.homeCurrency,
          timeZone: d.timeZone ?? c.timeZone,
        });
    },
    async deleteTokens(realmId) {
      connections.delete(realmId);
      leases.delete(realmId);
    },
    async acquireRefreshLease(realmId, owner, until, now) {
      const held = leases.get(realmId);
      if (!connections.has(realmId) || (held && held.until.getTime() > now.getTime())) return false;
      leases.set(realmId, { owner, until });
      return true;
    },
    async saveRefreshed(connection, owner) {
      if (leases.get(connection.realmId)?.owner !== owner) return false;
      connections.set(connection.realmId, bumped(connection, connections.get(connection.realmId)));
      leases.delete(connection.realmId);
      return true;
    },
    async releaseRefreshLease(realmId, owner) {
      if (leases.get(realmId)?.owner === owner) leases.delete(realmId);
    },
  };
}
