import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  authorizationCode,
  basic,
  CLIENT,
  connect,
  exchange,
  oauthKit,
  OTHER_CLIENT,
  REALM,
} from './oauth-test-kit.js';

const tokenPost = (app: ReturnType<typeof oauthKit>['app']) => request(app).post('/oauth2/v1/tokens/bearer');

describe('authorization_code grant', () => {
  it('exchanges a code for Intuit-shaped tokens, with an id_token for the openid scope', async () => {
    const { app, authority } = oauthKit();
    const res = await exchange(app, await authorizationCode(app));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8_726_400 });
    expect(res.body.refresh_token).toMatch(/^AB11.{40,}/);
    expect(res.body.id_token.split('.')).toHaveLength(3);
    expect(res.body.x_refresh_token_hard_expires_in).toBeUndefined();
    expect(authority.verifyAccessToken(res.body.access_token, REALM)).toEqual({ ok: true, clientId: CLIENT.clientId });
  });

  it('leaves out the id_token without openid, and adds the hard expiry only when asked', async () => {
    const { app } = oauthKit();
    const code = await authorizationCode(app, { scope: 'com.intuit.quickbooks.accounting' });
    const res = await exchange(app, code).set('x-include-refresh-token-hard-expires-in', 'true');
    expect(res.body.id_token).toBeUndefined();
    expect(res.body.x_refresh_token_hard_expires_in).toBe(5 * 365 * 86_400);
  });

  it('refuses a reused code and revokes the tokens the first exchange produced', async () => {
    const { app, authority } = oauthKit();
    const code = await authorizationCode(app);
    const first = await exchange(app, code);
    const again = await exchange(app, code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_grant' });
    expect(authority.verifyAccessToken(first.body.access_token, REALM)).toEqual({ ok: false, reason: 'revoked' });
    const refreshed = await tokenPost(app)
      .set('Authorization', basic())
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses a code after 10 minutes, or with another redirect_uri or client', async () => {
    const { app, clock } = oauthKit();
    const late = await authorizationCode(app);
    clock.advance(10 * 60_000);
    expect((await exchange(app, late)).body).toEqual({ error: 'invalid_grant' });

    const wrongUri = await authorizationCode(app);
    expect((await exchange(app, wrongUri, 'http://localhost:3000/other')).body).toEqual({ error: 'invalid_grant' });

    const otherClient = await authorizationCode(app);
    const res = await tokenPost(app)
      .set('Authorization', basic(OTHER_CLIENT))
      .type('form')
      .send({ grant_type: 'authorization_code', code: otherClient, redirect_uri: CLIENT.redirectUris[0] });
    expect(res.body).toEqual({ error: 'invalid_grant' });
    expect((await exchange(app, 'AB11doesnotexist')).body).toEqual({ error: 'invalid_grant' });
  });

  it('requires client authentication: Basic or client_secret_post', async () => {
    const { app } = oauthKit();
    const code = await authorizationCode(app);
    const form = { grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirectUris[0] };
    const none = await tokenPost(app).type('form').send(form);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'invalid_client' });
    const wrong = await tokenPost(app)
      .set('Authorization', basic({ ...CLIENT, clientSecret: 'guess' }))
      .type('form')
      .send(form);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    const post = await tokenPost(app)
      .type('form')
      .send({ ...form, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(post.status).toBe(200);
  });

  it('answers invalid_request and unsupported_grant_type', async () => {
    const { app } = oauthKit();
    const auth = () => tokenPost(app).set('Authorization', basic());
    expect((await auth().type('form').send({ code: 'x' })).body.error).toBe('invalid_request');
    expect((await auth().type('form').send({ grant_type: 'authorization_code' })).body.error).toBe('invalid_request');
    expect((await auth().type('form').send({ grant_type: 'refresh_token' })).body.error).toBe('invalid_request');
    // JSON, not a form
    expect((await auth().send({ grant_type: 'refresh_token', refresh_token: 'x' })).body.error).toBe('invalid_request');
    const pw = await auth().type('form').send({ grant_type: 'password', username: 'u' });
    expect([pw.status, pw.body.error]).toEqual([400, 'unsupported_grant_type']);
  });
});

describe('id_token, JWKS and userinfo', () => {
  it('signs an RS256 id_token that verifies against the JWKS, with Intuit claims', async () => {
    const { app, clock } = oauthKit();
    const tokens = await connect(app);
    const [h, p, sig] = tokens.id_token!.split('.') as [string, string, string];
    // intuit-oauth decodes these parts with atob(), which rejects '-' and '_'.
    expect(JSON.parse(atob(h))).toMatchObject({ alg: 'RS256' });
    const claims = JSON.parse(atob(p));
    const nowSec = clock.now().getTime() / 1000;
    expect(claims).toMatchObject({
      iss: 'https://oauth.platform.intuit.com/op/v1',
      aud: [CLIENT.clientId],
      realmid: REALM,
      iat: nowSec,
      exp: nowSec + 3600,
      auth_time: nowSec,
      email: 'owner@duesense-demo.test',
    });
    const jwks = (await request(app).get('/op/v1/jwks')).body as {
      keys: Array<JsonWebKey & { kid: string; use: string; alg: string }>;
    };
    const key = jwks.keys.find((k) => k.kid === JSON.parse(atob(h)).kid)!;
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(key.d).toBeUndefined();
    const ok = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(sig, 'base64url'));
    expect(ok).toBe(true);
  });

  it('userinfo returns the signed-in user, by scope; needs openid and a live bearer token', async () => {
    const { app, authority, clock } = oauthKit();
    const full = await connect(app);
    const get = (token?: string) => {
      const req = request(app).get('/v1/openid_connect/userinfo');
      return token ? req.set('Authorization', `Bearer ${token}`) : req;
    };
    const me = await get(full.access_token);
    expect(me.body).toEqual({
      sub: expect.any(String),
      email: 'owner@duesense-demo.test',
      emailVerified: true,
      givenName: 'Dana',
      familyName: 'Demo',
    });
    expect((await get((await connect(app, { scope: 'openid' })).access_token)).body).toEqual({ sub: me.body.sub });
    expect((await get((await connect(app, { scope: 'com.intuit.quickbooks.accounting' })).access_token)).status).toBe(
      403,
    );
    expect((await get()).status).toBe(401);
    authority.revokeRealm(REALM);
    expect((await get(full.access_token)).status).toBe(401);
    clock.advance(3600_000);
    expect((await get((await connect(app, { scope: 'openid' })).access_token)).status).toBe(200);
  });

  it('a sign-in-only token cannot call the accounting API', async () => {
    const { app, authority } = oauthKit();
    const tokens = await connect(app, { scope: 'openid email profile', realmId: '' });
    expect(tokens.id_token).toBeDefined();
    expect(authority.verifyAccessToken(tokens.access_token, REALM)).toEqual({ ok: false, reason: 'wrong_realm' });
  });
});
