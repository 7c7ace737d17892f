/** People who signed in with Intuit (users) and the companies each may open (user_companies). */
export interface User {
  id: string;
  intuitSub: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  lastSignInAt: Date | null;
}

export interface IntuitIdentity {
  sub: string;
  email?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
}

export interface UserStore {
  /** Finds the user by OpenID subject or creates them; refreshes name and email from Intuit. */
  upsertFromIntuit(identity: IntuitIdentity, now: Date): Promise<User>;
  get(userId: string): Promise<User | undefined>;
  linkCompany(userId: string, realmId: string, now: Date): Promise<void>;
  /** Realm ids this user may open. */
  realmIdsFor(userId: string): Promise<string[]>;
  canAccess(userId: string, realmId: string): Promise<boolean>;
  /** The company's owner's address: the earliest-linked user of the company who has an email address. */
  ownerEmail(realmId: string): Promise<string | null>;
}
