import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { submitEmulatorConsent } from '../../server/cli/emulator-consent.js';
import type { Container } from '../../server/container.js';
import { createConnectionStore } from '../../server/features/connections/connection-store.js';
import { createTokenCipher } from '../../server/features/connections/token-cipher.js';
import { resolveTokenKeys } from '../../server/features/connections/token-keys.js';
import { TokenVault } from '../../server/features/connections/token-vault.js';
import { IntuitOAuth } from '../../server/qbo/intuit-oauth-client.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { connectCompany, csrfFrom, newAgent, startConnect } from '../support/connect-helper.js';
import { startEmulator, type RunningEmulator } from '../support/emulator-harness.js';
import { FIXTURE_REALM } from '../support/fixture-company.js';

let emulator: RunningEmulator;
let t: TestApp;
const HOUR = 3600_000;
/** The token cipher and OAuth client the app uses, built from its config the way the container builds them. */
function tokenTools(c: Container) {
  const { clientId, clientSecret, redirectUri, environment } = c.config.intuit;
  return {
    cipher: createTokenCipher(resolveTokenKeys(c.config)),
    oauth: new IntuitOAuth({ clientId, clientSecret, redirectUri, environment, endpoints: c.endpoints }),
  };
}
/** The refresh token the app has stored for the (single) connected company, unsealed. */
async function storedRefreshToken(c: Container): Promise<string> {
  return tokenTools(c).cipher.decrypt((await c.db('qbo_connections').first()).refresh_token_enc);
}
const tokenCalls = () => emulator.emulator.requests().filter((r) => r.path === '/oauth2/v1/tokens/bearer').length;

beforeEach(async () => {
  emulator = await startEmulator();
  t = await startApp(emulator, { file: true });
});
afterEach(async () => {
  await t.close();
  await emulator.close();
});

describe('connecting', () => {
  it('connects through the consent page, signs the user in with a new session id and shows Disconnect', async () => {
    const agent = newAgent(t.app);
    const first = await agent.get('/connect');
    const cookieBefore = first.headers['set-cookie']?.[0]?.split(';')[0];
    const callback = new URL(
      await submitEmulatorConsent({ authorizeUrl: first.headers.location!, realmId: FIXTURE_REALM }),
    );
    const back = await agent.get(callback.pathname + callback.search);
    expect(back.status).toBe(200);
    const cookieAfter = back.headers['set-cookie']?.[0]?.split(';')[0];
    expect(cookieAfter).toBeDefined();
    expect(cookieAfter).not.toBe(cookieBefore); // session fixation: a fresh id after sign-in
    expect(back.headers['set-cookie']![0]).toMatch(/HttpOnly/);
    expect(back.headers['set-cookie']![0]).toMatch(/SameSite=Lax/);

    const home = await agent.get('/company');
    expect(home.text).toContain('Fixture Landscaping');
    expect(home.text).toContain('Disconnect from QuickBooks');
    expect(home.text).not.toContain('Connect to QuickBooks</a>');
    const [user] = await t.container.db('users').select();
    expect(user.intuit_sub).toBeTruthy();
  });

  it('signs in from the App Store Launch URL with the same flow', async () => {
    const agent = newAgent(t.app);
    const start = await agent.get('/launch');
    expect(start.status).toBe(303);
    expect(new URL(start.headers.location!).searchParams.get('scope')).toContain('openid');
    const callback = new URL(
      await submitEmulatorConsent({ authorizeUrl: start.headers.location!, realmId: FIXTURE_REALM }),
    );
    expect((await agent.get(callback.pathname + callback.search)).status).toBe(200);
    expect((await agent.get('/company')).text).toContain('Dana');
  });

  it('explains a denied consent', async () => {
    const res = await connectCompany(newAgent(t.app), FIXTURE_REALM, 'deny');
    expect(res.status).toBe(400);
    expect(res.text).toContain('access was declined');
    expect(await t.container.connections.listCompanies()).toEqual([]);
  });

  it('refuses forged, replayed, expired and other-browser states', async () => {
    const agent = newAgent(t.app);
    const forged = await agent.get(`/oauth/callback?code=x&state=forged&realmId=${FIXTURE_REALM}`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('expired or was already used');

    const callback = new URL(
      await submitEmulatorConsent({ authorizeUrl: await startConnect(agent), realmId: FIXTURE_REALM }),
    );
    const elsewhere = await newAgent(t.app).get(callback.pathname + callback.search);
    expect(elsewhere.status).toBe(400); // the state belongs to the first browser's session

    const late = new URL(
      await submitEmulatorConsent({ authorizeUrl: await startConnect(agent), realmId: FIXTURE_REALM }),
    );
    emulator.clock.advance(11 * 60_000);
    expect((await agent.get(late.pathname + late.search)).text).toContain('expired or was already used');

    emulator.clock.advance(-11 * 60_000);
    const ok = new URL(
      await submitEmulatorConsent({ authorizeUrl: await startConnect(agent), realmId: FIXTURE_REALM }),
    );
    expect((await agent.get(ok.pathname + ok.search)).status).toBe(200);
    // Spent: another browser replaying it is refused, while the user who connected just reloads harmlessly.
    expect((await newAgent(t.app).get(ok.pathname + ok.search)).text).toContain('expired or was already used');
    expect(tokenCalls()).toBe(1);
  });

  it('a reload of the callback after connecting goes to the dashboard, not to "That did not work"', async () => {
    const agent = newAgent(t.app);
    const callback = new URL(
      await submitEmulatorConsent({ authorizeUrl: await startConnect(agent), realmId: FIXTURE_REALM }),
    );
    expect((await agent.get(callback.pathname + callback.search)).status).toBe(200);
    const reload = await agent.get(callback.pathname + callback.search);
    expect([reload.status, reload.headers.location]).toEqual([303, '/dashboard']);
    // A spent callback naming a company this user does not have is still refused.
    const other = await agent.get(callback.pathname + callback.search.replace(FIXTURE_REALM, '4620816365000000000'));
    expect([other.status, other.text.includes('expired or was already used')]).toEqual([400, true]);
  });

  it('sends a signed-out visitor of a panel page to sign in, and back to that page afterwards', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM); // the company and its user exist
    const agent = newAgent(t.app);
    for (const page of ['/customers?q=Acme', '/alerts', '/settings', '/sync', '/activity', '/mailbox', '/company']) {
      const res = await agent.get(page);
      expect([page, res.status, res.headers.location]).toEqual([page, 303, `/?next=${encodeURIComponent(page)}`]);
    }
    const landing = await agent.get('/?next=%2Fcustomers%3Fq%3DAcme');
    expect(landing.text).toContain('Sign in to open that page');
    expect(landing.text).toContain('href="/launch?next=%2Fcustomers%3Fq%3DAcme"');
    const authorizeUrl = await startConnect(agent, '/launch?next=%2Fcustomers%3Fq%3DAcme');
    const callback = new URL(await submitEmulatorConsent({ authorizeUrl, realmId: FIXTURE_REALM }));
    const back = await agent.get(callback.pathname + callback.search);
    expect([back.status, back.headers.location]).toEqual([303, '/customers?q=Acme']);
    expect((await agent.get('/customers?q=Acme')).status).toBe(200);
  });

  it('never returns to another site after signing in', async () => {
    for (const next of ['//evil.example', 'https://evil.example/x', '/\\evil.example']) {
      const agent = newAgent(t.app);
      const authorizeUrl = await startConnect(agent, `/launch?next=${encodeURIComponent(next)}`);
      const callback = new URL(await submitEmulatorConsent({ authorizeUrl, realmId: FIXTURE_REALM }));
      const back = await agent.get(callback.pathname + callback.search);
      expect([next, back.status]).toEqual([next, 200]); // the Connected page, not a redirect
    }
  });
});

describe('secrets', () => {
  it('never writes a token in clear text to the database file or the log', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    emulator.clock.advance(HOUR); // a refresh too, so both generations of tokens are checked
    const access = await t.container.vault.accessToken(FIXTURE_REALM);
    const refresh = await storedRefreshToken(t.container);
    const wal = `${t.databaseFile!}-wal`;
    const file = Buffer.concat([
      fs.readFileSync(t.databaseFile!),
      fs.existsSync(wal) ? fs.readFileSync(wal) : Buffer.alloc(0),
    ]);
    for (const secret of [access, refresh]) {
      expect(file.includes(Buffer.from(secret))).toBe(false);
      expect(t.logs.join('')).not.toContain(secret);
    }
    expect(t.logs.join('')).toContain('access token refreshed');
  });
});

describe('the token vault', () => {
  it('refreshes an access token that expires mid-session, once for ten parallel requests', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    const before = tokenCalls();
    emulator.clock.advance(HOUR);
    const names = await Promise.all(
      Array.from({ length: 10 }, () => t.container.qbo(FIXTURE_REALM, (api) => api.getCompanyInfo())),
    );
    expect(names.every((n) => n.CompanyName === 'Fixture Landscaping')).toBe(true);
    expect(tokenCalls() - before).toBe(1);
  });

  it('stores the rotated refresh token; the previous one works inside its grace period, then not', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    const original = await storedRefreshToken(t.container);
    emulator.clock.advance(25 * HOUR);
    await t.container.vault.accessToken(FIXTURE_REALM);
    const rotated = await storedRefreshToken(t.container);
    expect(rotated).not.toBe(original);
    const { oauth } = tokenTools(t.container);
    await expect(oauth.refresh(original)).resolves.toBeDefined(); // inside the 24 h grace
    emulator.clock.advance(25 * HOUR);
    await expect(oauth.refresh(original)).rejects.toMatchObject({ errorClass: 'reauth' });
  });

  it('retries once after a 401 with a fresh token', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    await fetch(`${emulator.url}/emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spec: { kind: 'fault', code: '3200' }, count: 1 }),
    });
    const before = tokenCalls();
    const info = await t.container.qbo(FIXTURE_REALM, (api) => api.getCompanyInfo());
    expect(info.CompanyName).toBe('Fixture Landscaping');
    expect(tokenCalls() - before).toBe(1);
  });
});

describe('refresh across processes and keep-alive', () => {
  it('two processes sharing the database refresh a rotating token once (lease by compare-and-set)', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    // A second vault over the same database stands in for a second process: no shared in-process lock.
    const { cipher, oauth } = tokenTools(t.container);
    const { clock, logger } = t.container;
    const other = new TokenVault({ store: createConnectionStore(t.container.db), cipher, oauth, clock, logger });
    emulator.clock.advance(HOUR);
    const before = tokenCalls();
    const [a, b] = await Promise.all([t.container.vault.accessToken(FIXTURE_REALM), other.accessToken(FIXTURE_REALM)]);
    expect(a).toBe(b);
    expect(tokenCalls() - before).toBe(1);
  });

  it('keep-alive refreshes only refresh tokens that would expire within 30 days', async () => {
    await connectCompany(newAgent(t.app), FIXTURE_REALM);
    const { tokenKeepaliveJob } = await import('../../jobs/token-keepalive.job.js');
    expect(await tokenKeepaliveJob.run(t.container)).toBe('1 fresh');
    emulator.clock.advance(75 * 24 * HOUR);
    expect(await tokenKeepaliveJob.run(t.container)).toBe('1 refreshed');
    const times = await t.container.connections.tokenTimes(FIXTURE_REALM);
    expect(times!.refreshExpiresAt.getTime() - emulator.clock.now().getTime()).toBeGreaterThan(90 * 24 * HOUR);
  });
});

describe('revocation and disconnecting', () => {
  it('shows the reconnect banner when Intuit revokes the connection, and reconnects', async () => {
    const agent = newAgent(t.app);
    await connectCompany(agent, FIXTURE_REALM);
    await fetch(`${emulator.url}/emulator/realms/${FIXTURE_REALM}/revoke`, { method: 'POST' });
    emulator.clock.advance(HOUR);
    await expect(t.container.qbo(FIXTURE_REALM, (api) => api.getCompanyInfo())).rejects.toMatchObject({
      errorClass: 'reauth',
    });
    const home = await agent.get('/company');
    expect(home.text).toContain('data-banner="reconnect"');
    const again = await connectCompany(agent, FIXTURE_REALM);
    expect(again.status).toBe(200);
    expect((await agent.get('/company')).text).not.toContain('data-banner="reconnect"');
  });

  it('disconnects in the app: revokes at Intuit, keeps the company, requires CSRF', async () => {
    const agent = newAgent(t.app);
    await connectCompany(agent, FIXTURE_REALM);
    expect((await agent.post('/disconnect').type('form').send({})).status).toBe(403);
    const home = await agent.get('/company');
    const res = await agent
      .post('/disconnect')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(res.status).toBe(303);
    const company = await t.container.connections.getCompany(FIXTURE_REALM);
    expect(company?.status).toBe('disconnected');
    expect(await t.container.db('qbo_connections').select()).toEqual([]);
    expect((await agent.get('/')).text).toContain('Connect to QuickBooks');
  });

  it("handles a disconnect from QuickBooks' side, and ignores a forged one", async () => {
    const agent = newAgent(t.app);
    await connectCompany(agent, FIXTURE_REALM);
    const forged = await agent.get(`/intuit/disconnect?realmId=${FIXTURE_REALM}`);
    expect(forged.text).toContain('still connected');
    await fetch(`${emulator.url}/emulator/realms/${FIXTURE_REALM}/revoke`, { method: 'POST' });
    const real = await agent.get(`/intuit/disconnect?realmId=${FIXTURE_REALM}`);
    expect(real.text).toContain('Duesense is disconnected from Fixture Landscaping');
    expect((await t.container.connections.getCompany(FIXTURE_REALM))?.status).toBe('disconnected');
  });
});
