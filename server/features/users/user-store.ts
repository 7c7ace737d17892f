import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/knex.js';
import { toDate } from '../../db/row-values.js';
import type { User, UserStore } from './user-store-type.js';

function rowToUser(r: Record<string, unknown>): User {
  return {
    id: String(r.id),
    intuitSub: String(r.intuit_sub),
    email: (r.email as string | null) ?? null,
    givenName: (r.given_name as string | null) ?? null,
    familyName: (r.family_name as string | null) ?? null,
    lastSignInAt: toDate(r.last_sign_in_at),
  };
}

export function createUserStore(db: Db): UserStore {
  return {
    async upsertFromIntuit(identity, now) {
      const profile = {
        email: identity.email ?? null,
        given_name: identity.givenName ?? null,
        family_name: identity.familyName ?? null,
        last_sign_in_at: now,
      };
      await db('users')
        .insert({ id: randomUUID(), intuit_sub: identity.sub, created_at: now, ...profile })
        .onConflict('intuit_sub')
        .merge(
          // Keep what Intuit told us before when this sign-in did not include it.
          Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== null)),
        );
      return rowToUser(await db('users').where({ intuit_sub: identity.sub }).first());
    },
    async get(userId) {
      const r = await db('users').where({ id: userId }).first();
      return r ? rowToUser(r) : undefined;
    },
    async linkCompany(userId, realmId, now) {
      await db('user_companies')
        .insert({ user_id: userId, realm_id: realmId, created_at: now })
        .onConflict(['user_id', 'realm_id'])
        .ignore();
    },
    async realmIdsFor(userId) {
      return (await db('user_companies').where({ user_id: userId }).select('realm_id')).map(
        (r: { realm_id: string }) => r.realm_id,
      );
    },
    async canAccess(userId, realmId) {
      return (await db('user_companies').where({ user_id: userId, realm_id: realmId }).first()) !== undefined;
    },
    async ownerEmail(realmId) {
      const row = await db('user_companies')
        .join('users', 'users.id', 'user_companies.user_id')
        .where('user_companies.realm_id', realmId)
        .whereNotNull('users.email')
        .orderBy('user_companies.created_at')
        .first('users.email');
      return (row?.email as string | undefined) ?? null;
    },
  };
}
