import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  basic,
  CLIENT,
  connect,
  DAY,
  HOUR,
  oauthKit,
  OTHER_CLIENT,
  OTHER_REALM,
  REALM,
  refresh,
} from './oauth-test-kit.js';

describe('refresh_token grant and rotation', () => {
  it('keeps the refresh token within 24 h, with a new access token each time; old access tokens live on', async () => {
    const { app, clock, authority } = oauthKit();
    const first = await connect(app);
    clock.advance(HOUR / 2);
    const res = await refresh(app, first.refresh_token);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBe(first.refresh_token);
    expect(res.body.access_token).not.toBe(first.access_token);
    expect(res.body.x_refresh_token_expires_in).toBe(8_726_400 - 1800);
    expect(authority.verifyAccessToken(first.access_token, REALM)).toEqual({ ok: true, clientId: CLIENT.clientId });
    clock.advance(HOUR / 2);
    expect(authority.verifyAccessToken(first.access_token, REALM)).toEqual({ ok: false, reason: 'expired' });
    expect(authority.verifyAccessToken(res.body.access_token, REALM).ok).toBe(true);
    clock.advance(22 * HOUR);
    expect((await refresh(app, first.refresh_token)).body.refresh_token).toBe(first.refresh_token);
  });

  it('rotates after 24 h; the previous value works for 24 h more (answering the latest) and then fails', async () => {
    const { app, clock } = oauthKit();
    const first = await connect(app);
    clock.advance(DAY);
    const rotated = await refresh(app, first.refresh_token);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.body.x_refresh_token_expires_in).toBe(8_726_400);

    clock.advance(23 * HOUR);
    const grace = await refresh(app, first.refresh_token);
    expect(grace.status).toBe(200);
    expect(grace.body.refresh_token).toBe(rotated.body.refresh_token);

    clock.advance(HOUR);
    const late = await refresh(app, first.refresh_token);
    expect([late.status, late.body]).toEqual([400, { error: 'invalid_grant' }]);
    expect((await refresh(app, rotated.body.refresh_token)).status).toBe(200);
  });

  it('expires a refresh token 8726400 s after its issue when unused', async () => {
    const { app, clock } = oauthKit();
    const first = await connect(app);
    clock.advance(8_726_400_000 - 1000);
    expect((await refresh(app, first.refresh_token)).status).toBe(200); // rotates: a new 101-day window
    const second = await connect(app);
    clock.advance(8_726_400_000);
    expect((await refresh(app, second.refresh_token)).body).toEqual({ error: 'invalid_grant' });
  });

  it('stops at the 5-year hard expiry even when refreshed regularly', async () => {
    const { app, clock } = oauthKit();
    let rt = (await connect(app)).refresh_token;
    const hardAt = clock.now().getTime() + 5 * 365 * DAY;
    while (clock.now().getTime() + 100 * DAY < hardAt) {
      clock.advance(100 * DAY);
      const res = await refresh(app, rt).set('x-include-refresh-token-hard-expires-in', 'true');
      expect(res.status).toBe(200);
      expect(res.body.x_refresh_token_hard_expires_in).toBe((hardAt - clock.now().getTime()) / 1000);
      expect(res.body.x_refresh_token_expires_in).toBeLessThanOrEqual(res.body.x_refresh_token_hard_expires_in);
      rt = res.body.refresh_token;
    }
    clock.set(new Date(hardAt));
    expect((await refresh(app, rt)).body).toEqual({ error: 'invalid_grant' });
  });

  it("refuses another client's refresh token and unknown ones", async () => {
    const { app } = oauthKit();
    const tokens = await connect(app);
    expect((await refresh(app, tokens.refresh_token, OTHER_CLIENT)).body).toEqual({ error: 'invalid_grant' });
    expect((await refresh(app, 'AB11notatoken')).body).toEqual({ error: 'invalid_grant' });
  });
});

describe('revocation', () => {
  const revoke = (app: ReturnType<typeof oauthKit>['app'], token: string, client = CLIENT) =>
    request(app).post('/v2/oauth2/tokens/revoke').set('Authorization', basic(client)).send({ token });

  it('revoking the refresh token kills the whole grant; the answer is 200 with an empty body', async () => {
    const { app, authority } = oauthKit();
    const tokens = await connect(app);
    const res = await revoke(app, tokens.refresh_token);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(authority.verifyAccessToken(tokens.access_token, REALM)).toEqual({ ok: false, reason: 'revoked' });
    expect((await refresh(app, tokens.refresh_token)).body).toEqual({ error: 'invalid_grant' });
  });

  it('revoking the access token (form-encoded, as node-quickbooks sends) kills the grant too', async () => {
    const { app, authority } = oauthKit();
    const tokens = await connect(app);
    const other = await connect(app);
    const res = await request(app)
      .post('/v2/oauth2/tokens/revoke')
      .set('Authorization', basic())
      .type('form')
      .send({ token: tokens.access_token });
    expect(res.status).toBe(200);
    expect((await refresh(app, tokens.refresh_token)).body).toEqual({ error: 'invalid_grant' });
    expect(authority.verifyAccessToken(other.access_token, REALM).ok).toBe(true);
  });

  it('answers 200 for unknown tokens, 401 for a bad client, and ignores tokens of another client', async () => {
    const { app, authority } = oauthKit();
    const tokens = await connect(app);
    expect((await revoke(app, 'AB11unknown')).status).toBe(200);
    const unauth = await request(app).post('/v2/oauth2/tokens/revoke').send({ token: tokens.refresh_token });
    expect([unauth.status, unauth.body]).toEqual([401, { error: 'invalid_client' }]);
    expect((await revoke(app, tokens.refresh_token, OTHER_CLIENT)).status).toBe(200);
    expect(authority.verifyAccessToken(tokens.access_token, REALM).ok).toBe(true);
  });

  it('revokeRealm (disconnect inside QuickBooks) kills every token of that realm only', async () => {
    const { app, authority } = oauthKit();
    const a = await connect(app);
    const b = await connect(app);
    const other = await connect(app, { realmId: OTHER_REALM });
    authority.revokeRealm(REALM);
    for (const t of [a, b]) {
      expect(authority.verifyAccessToken(t.access_token, REALM)).toEqual({ ok: false, reason: 'revoked' });
      expect((await refresh(app, t.refresh_token)).body).toEqual({ error: 'invalid_grant' });
    }
    expect(authority.verifyAccessToken(other.access_token, OTHER_REALM).ok).toBe(true);
    expect((await connect(app)).access_token).toBeTruthy(); // reconnecting works
  });
});

describe('verifyAccessToken and issueTokensForRealm', () => {
  it('classifies missing, malformed, unknown, expired and foreign tokens', () => {
    const { authority, clock } = oauthKit();
    const issued = authority.issueTokensForRealm(REALM);
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8_726_400 });
    expect(issued.id_token).toBeUndefined();
    expect(authority.verifyAccessToken(undefined, REALM)).toEqual({ ok: false, reason: 'missing' });
    expect(authority.verifyAccessToken('', REALM)).toEqual({ ok: false, reason: 'malformed' });
    expect(authority.verifyAccessToken('short', REALM)).toEqual({ ok: false, reason: 'malformed' });
    expect(authority.verifyAccessToken('x'.repeat(5000), REALM)).toEqual({ ok: false, reason: 'malformed' });
    expect(authority.verifyAccessToken(`${issued.access_token}x`, REALM)).toEqual({ ok: false, reason: 'unknown' });
    expect(authority.verifyAccessToken(issued.access_token, OTHER_REALM)).toEqual({ ok: false, reason: 'wrong_realm' });
    expect(authority.verifyAccessToken(issued.access_token, REALM)).toEqual({ ok: true, clientId: CLIENT.clientId });
    clock.advance(HOUR);
    expect(authority.verifyAccessToken(issued.access_token, REALM)).toEqual({ ok: false, reason: 'expired' });
  });

  it('issues for a named client, and refuses an unknown one', () => {
    const { authority } = oauthKit();
    const t = authority.issueTokensForRealm(REALM, OTHER_CLIENT.clientId);
    expect(authority.verifyAccessToken(t.access_token, REALM)).toEqual({ ok: true, clientId: OTHER_CLIENT.clientId });
    expect(() => authority.issueTokensForRealm(REALM, 'nope')).toThrow(/unknown client/);
  });
});
