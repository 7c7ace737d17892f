import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createFakeConnectionStore } from '../../../server/features/connections/fake-connection-store.js';
import { createTokenCipher } from '../../../server/features/connections/token-cipher.js';
import { REFRESH_LEASE_MS, sealTokens, TokenVault } from '../../../server/features/connections/token-vault.js';
import { silentLogger } from '../../../server/logger.js';
import type { TokenSet } from '../../../server/qbo/intuit-oauth-client.js';
import { QboReauthRequired } from '../../../server/qbo/qbo-errors.js';

const REALM = '4620816365';
const MINUTE = 60_000;
const cipher = createTokenCipher([Buffer.alloc(32, 7)]);

function tokenSet(generation: number): TokenSet {
  return {
    accessToken: `access-${generation}`,
    refreshToken: `refresh-${generation}`,
    expiresInSec: 3600,
    refreshExpiresInSec: 100 * 86_400,
    refreshHardExpiresInSec: undefined,
    idToken: undefined,
    realmId: undefined,
    intuitTid: undefined,
  };
}

/**
 * Intuit's token endpoint in memory: each refresh spends the current refresh token and rotates it. `hold()` makes
 * the next refreshes wait until `release()`, so a test can act while a refresh is in flight.
 */
function fakeOAuth() {
  let current = 'refresh-0';
  let generation = 0;
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const spent: string[] = [];
  return {
    spent,
    revoke() {
      current = 'revoked';
    },
    hold() {
      let open!: () => void;
      gate = { promise: new Promise<void>((r) => (open = r)), open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
    async refresh(refreshToken: string): Promise<TokenSet> {
      spent.push(refreshToken);
      if (gate) await gate.promise;
      if (refreshToken !== current)
        throw new QboReauthRequired('Intuit token refresh failed: invalid_grant', {
          status: 400,
          code: 'invalid_grant',
        });
      generation++;
      current = `refresh-${generation}`;
      return tokenSet(generation);
    },
  };
}

/** Lets other pending promises run (a stand-in for the lease poll's sleep). */
const yieldOnce = () => new Promise<void>((r) => setImmediate(r));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await yieldOnce();
  if (!condition()) throw new Error('condition never became true');
}

async function setup() {
  const clock = manualClock('2026-11-25T09:00:00Z');
  const store = createFakeConnectionStore();
  const oauth = fakeOAuth();
  const now = clock.now();
  await store.saveConnected(
    {
      realmId: REALM,
      companyName: 'Fixture Landscaping',
      environment: 'sandbox',
      status: 'connected',
      timeZone: null,
      homeCurrency: null,
      connectedAt: now,
    },
    sealTokens(cipher, REALM, tokenSet(0), 'com.intuit.quickbooks.accounting', now, null),
    now,
  );
  const vault = (sleep: (ms: number) => Promise<void> = yieldOnce) =>
    new TokenVault({ store, cipher, oauth, clock, logger: silentLogger, sleep });
  return { clock, store, oauth, vault };
}

describe('TokenVault', () => {
  it('hands out the stored access token while it is fresh, without calling Intuit', async () => {
    const { clock, oauth, vault } = await setup();
    clock.advance(54 * MINUTE);
    expect(await vault().accessToken(REALM)).toBe('access-0');
    expect(oauth.spent).toEqual([]);
  });

  it('refreshes before the access token expires, and stores the rotated refresh token sealed', async () => {
    const { clock, store, oauth, vault } = await setup();
    clock.advance(56 * MINUTE); // four minutes left: inside the margin
    expect(await vault().accessToken(REALM)).toBe('access-1');
    expect(oauth.spent).toEqual(['refresh-0']);
    const stored = (await store.getConnection(REALM))!;
    expect(cipher.decrypt(stored.refreshTokenEnc)).toBe('refresh-1');
    expect(cipher.decrypt(stored.accessTokenEnc)).toBe('access-1');
    expect(stored.accessExpiresAt).toEqual(new Date(clock.now().getTime() + 60 * MINUTE));
    // Sealed at rest: the store never holds a token in clear text.
    expect(JSON.stringify(stored)).not.toMatch(/access-1|refresh-1/);
  });

  it('refreshes once when two callers of one vault ask together', async () => {
    const { clock, oauth, vault } = await setup();
    clock.advance(2 * 60 * MINUTE);
    const v = vault();
    expect(await Promise.all([v.accessToken(REALM), v.accessToken(REALM)])).toEqual(['access-1', 'access-1']);
    expect(oauth.spent).toEqual(['refresh-0']);
  });

  it('refreshes once when two processes share the store: the one without the lease waits for the result', async () => {
    const { clock, oauth, vault } = await setup();
    clock.advance(2 * 60 * MINUTE);
    oauth.hold();
    const both = Promise.all([vault().accessToken(REALM), vault().accessToken(REALM)]);
    await until(() => oauth.spent.length === 1);
    oauth.release();
    expect(await both).toEqual(['access-1', 'access-1']);
    expect(oauth.spent).toEqual(['refresh-0']);
  });

  it('does not store tokens from a refresh whose lease ran out and was taken by another process', async () => {
    const { clock, store, oauth, vault } = await setup();
    clock.advance(2 * 60 * MINUTE);
    oauth.hold();
    const slow = vault().accessToken(REALM);
    await until(() => oauth.spent.length === 1);
    clock.advance(REFRESH_LEASE_MS + 1);
    expect(
      await store.acquireRefreshLease(
        REALM,
        'another-process',
        new Date(clock.now().getTime() + REFRESH_LEASE_MS),
        clock.now(),
      ),
    ).toBe(true);
    oauth.release();
    await expect(slow).rejects.toMatchObject({
      errorClass: 'transient',
      message: expect.stringMatching(/Lost the refresh lease/),
    });
    expect(cipher.decrypt((await store.getConnection(REALM))!.refreshTokenEnc)).toBe('refresh-0');
  });

  it('gives up waiting for another holder of the lease once the lease time passed on the injected clock', async () => {
    const { clock, store, oauth, vault } = await setup();
    clock.advance(2 * 60 * MINUTE);
    const now = clock.now();
    await store.acquireRefreshLease(REALM, 'stuck-process', new Date(now.getTime() + 24 * 60 * MINUTE), now);
    let polls = 0;
    const tenSecondPolls = async () => {
      polls++;
      clock.advance(10_000);
    };
    await expect(vault(tenSecondPolls).accessToken(REALM)).rejects.toMatchObject({
      errorClass: 'transient',
      message: expect.stringMatching(/for too long/),
    });
    expect(polls).toBe(4); // 10, 20, 30 s are within the lease time; 40 s is past it
    expect(oauth.spent).toEqual([]);
  });

  it('on invalid_grant for the refresh token, marks the company for reconnecting and releases the lease', async () => {
    const { clock, store, oauth, vault } = await setup();
    clock.advance(2 * 60 * MINUTE);
    oauth.revoke();
    await expect(vault().accessToken(REALM)).rejects.toMatchObject({ errorClass: 'reauth', code: 'invalid_grant' });
    expect((await store.getCompany(REALM))!.status).toBe('needs_reauth');
    expect(
      await store.acquireRefreshLease(REALM, 'next', new Date(clock.now().getTime() + REFRESH_LEASE_MS), clock.now()),
    ).toBe(true);
    // From now on no call goes to Intuit until the company is reconnected.
    await expect(vault().accessToken(REALM)).rejects.toMatchObject({
      errorClass: 'reauth',
      message: expect.stringMatching(/not connected/),
    });
    expect(oauth.spent).toEqual(['refresh-0']);
  });

  it('retries an API call once with a refreshed token after a 401', async () => {
    const { oauth, vault } = await setup();
    const seen: string[] = [];
    const answer = await vault().withAccessToken(REALM, async (token) => {
      seen.push(token);
      if (seen.length === 1) throw new QboReauthRequired('QuickBooks answered 401', { status: 401 });
      return 'ok';
    });
    expect([answer, seen]).toEqual(['ok', ['access-0', 'access-1']]);
    expect(oauth.spent).toEqual(['refresh-0']);
  });
});
