import express from 'express';
import request from 'supertest';
import { manualClock, type ManualClock } from '../../../../server/clock.js';
import { createOAuthRouter } from '../../../../server/emulator/oauth/oauth-routes.js';
import { TokenAuthority, type TokenResponse } from '../../../../server/emulator/oauth/token-authority.js';

export const CLIENT = {
  clientId: 'ABclientId123',
  clientSecret: 'sekret-value',
  redirectUris: ['http://localhost:3000/callback'],
};
export const OTHER_CLIENT = {
  clientId: 'ABotherClient',
  clientSecret: 'other-secret',
  redirectUris: ['http://localhost:4000/cb'],
};
export const REALM = '9130350000000001';
export const OTHER_REALM = '9130350000000002';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Kit {
  app: express.Express;
  clock: ManualClock;
  authority: TokenAuthority;
}

/** A bare express app carrying only the OAuth router, timed by a manual clock. */
export function oauthKit(): Kit {
  const clock = manualClock('2026-03-02T09:00:00Z');
  const authority = new TokenAuthority({ clock, clients: [CLIENT, OTHER_CLIENT] });
  const app = express();
  app.use(
    createOAuthRouter({
      authority,
      companies: () => [
        { realmId: REALM, companyName: 'Fixture <Landscaping>' },
        { realmId: OTHER_REALM, companyName: 'Other Co' },
      ],
    }),
  );
  return { app, clock, authority };
}

export const basic = (c: { clientId: string; clientSecret: string } = CLIENT) =>
  `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;

export interface DecisionInput {
  scope?: string;
  state?: string;
  realmId?: string;
  decision?: 'approve' | 'deny';
  redirectUri?: string;
  clientId?: string;
}

/** Submits the consent form as the browser would; answers the redirect's query parameters. */
export async function decide(app: express.Express, input: DecisionInput = {}) {
  const res = await request(app)
    .post('/connect/oauth2/decision')
    .type('form')
    .send({
      client_id: input.clientId ?? CLIENT.clientId,
      redirect_uri: input.redirectUri ?? CLIENT.redirectUris[0],
      response_type: 'code',
      scope: input.scope ?? 'com.intuit.quickbooks.accounting openid profile email',
      state: input.state ?? 'st-123',
      realmId: input.realmId ?? REALM,
      decision: input.decision ?? 'approve',
    });
  return { res, query: res.headers.location ? new URL(res.headers.location).searchParams : undefined };
}

export async function authorizationCode(app: express.Express, input: DecisionInput = {}): Promise<string> {
  const { query } = await decide(app, input);
  const code = query?.get('code');
  if (!code) throw new Error('no code in the redirect');
  return code;
}

export function exchange(app: express.Express, code: string, redirectUri = CLIENT.redirectUris[0]!) {
  return request(app)
    .post('/oauth2/v1/tokens/bearer')
    .set('Authorization', basic())
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
}

export function refresh(app: express.Express, refreshToken: string, client = CLIENT) {
  return request(app)
    .post('/oauth2/v1/tokens/bearer')
    .set('Authorization', basic(client))
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Consent plus code exchange: a fresh grant's token response. */
export async function connect(app: express.Express, input: DecisionInput = {}): Promise<TokenResponse> {
  const res = await exchange(app, await authorizationCode(app, input));
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as TokenResponse;
}
