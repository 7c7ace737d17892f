import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import OAuthClient from 'intuit-oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { createOAuthRouter } from '../../../server/emulator/oauth/oauth-routes.js';
import { TokenAuthority } from '../../../server/emulator/oauth/token-authority.js';

// The real intuit-oauth client against the emulator's OAuth router over HTTP. The clock starts at the wall
// clock because intuit-oauth checks id_token expiry against Date.now().
const REDIRECT = 'http://localhost:3000/callback';
const CLIENT = { clientId: 'ABintuitOauthClient', clientSecret: 'secret-1', redirectUris: [REDIRECT] };
const REALM = '9130350000000042';
const clock = manualClock(new Date());
const authority = new TokenAuthority({ clock, clients: [CLIENT] });
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(createOAuthRouter({ authority, companies: () => [{ realmId: REALM, companyName: 'Real Client Co' }] }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const statics = OAuthClient as unknown as Record<string, unknown>;
  statics.authorizeEndpoint = `${base}/connect/oauth2`;
  statics.tokenEndpoint = `${base}/oauth2/v1/tokens/bearer`;
  statics.revokeEndpoint = `${base}/v2/oauth2/tokens/revoke`;
  statics.userinfo_endpoint_sandbox = statics.userinfo_endpoint_production = `${base}/v1/openid_connect/userinfo`;
  statics.jwks_uri = `${base}/op/v1/jwks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const newClient = () =>
  new OAuthClient({
    ...CLIENT,
    environment: 'sandbox',
    redirectUri: REDIRECT,
    logging: false,
    includeRefreshTokenHardExpiresIn: true,
  });

/** Walks the consent page like a browser: GET the authorize URL, then POST the approve decision. */
async function consent(authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const q = new URL(authorizeUrl).searchParams;
  const form = new URLSearchParams({
    client_id: q.get('client_id')!,
    redirect_uri: q.get('redirect_uri')!,
    response_type: 'code',
    scope: q.get('scope')!,
    state: q.get('state')!,
    realmId: REALM,
    decision: 'approve',
  });
  const res = await fetch(`${base}/connect/oauth2/decision`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

describe('intuit-oauth against the emulator', () => {
  it('connects, validates the id_token, reads userinfo, refreshes and revokes', async () => {
    const client = newClient();
    const callback = await consent(
      client.authorizeUri({ scope: ['com.intuit.quickbooks.accounting', 'openid', 'profile', 'email'], state: 'st-9' }),
    );
    const created = await client.createToken(callback);
    const token = created.getJson() as Record<string, unknown>;
    expect(token).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      x_refresh_token_expires_in: 8_726_400,
      x_refresh_token_hard_expires_in: 5 * 365 * 86_400,
    });
    expect(client.getToken().realmId).toBe(REALM);
    expect(await client.validateIdToken()).toBe(true);

    const info = await client.getUserInfo();
    expect(info.json).toMatchObject({ email: 'owner@duesense-demo.test', givenName: 'Dana', familyName: 'Demo' });

    const refreshed = await newClient().refreshUsingToken(String(token.refresh_token));
    expect(refreshed.json.refresh_token).toBe(token.refresh_token);
    expect(refreshed.json.access_token).not.toBe(token.access_token);
    expect(authority.verifyAccessToken(String(refreshed.json.access_token), REALM).ok).toBe(true);

    await newClient().revoke({ refresh_token: String(token.refresh_token) });
    expect(authority.verifyAccessToken(String(refreshed.json.access_token), REALM)).toEqual({
      ok: false,
      reason: 'revoked',
    });
    const failure = await newClient()
      .refreshUsingToken(String(token.refresh_token))
      .catch((e: unknown) => e);
    expect((failure as { error?: string }).error).toBe('invalid_grant');
  });
});
