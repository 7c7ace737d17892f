import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CLIENT, decide, oauthKit, REALM } from './oauth-test-kit.js';

const authorizeQuery = (over: Record<string, string> = {}) => ({
  client_id: CLIENT.clientId,
  redirect_uri: CLIENT.redirectUris[0]!,
  response_type: 'code',
  scope: 'com.intuit.quickbooks.accounting openid',
  state: 'st-1',
  ...over,
});

describe('discovery', () => {
  it('serves the sandbox and production documents on the emulator origin, with Intuit as issuer', async () => {
    const { app } = oauthKit();
    for (const path of ['/.well-known/openid_sandbox_configuration', '/.well-known/openid_configuration']) {
      const res = await request(app).get(path).set('Host', 'emu.test:4010');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: 'https://oauth.platform.intuit.com/op/v1',
        authorization_endpoint: 'http://emu.test:4010/connect/oauth2',
        token_endpoint: 'http://emu.test:4010/oauth2/v1/tokens/bearer',
        userinfo_endpoint: 'http://emu.test:4010/v1/openid_connect/userinfo',
        revocation_endpoint: 'http://emu.test:4010/v2/oauth2/tokens/revoke',
        jwks_uri: 'http://emu.test:4010/op/v1/jwks',
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
  });
});

describe('GET /connect/oauth2', () => {
  it('renders a self-contained consent page with stable hooks, escaping what it echoes', async () => {
    const { app } = oauthKit();
    const res = await request(app)
      .get('/connect/oauth2')
      .query(authorizeQuery({ state: '"><script>alert(1)</script>' }));
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<form id="consent" method="post" action="/connect/oauth2/decision">');
    expect(res.text).toContain('data-emulator-consent');
    expect(res.text).toMatch(/<button[^>]*name="decision" value="approve"/);
    expect(res.text).toMatch(/<button[^>]*name="decision" value="deny"/);
    expect(res.text).toContain(`name="realmId" value="${REALM}"`);
    expect(res.text).toContain('Fixture &#60;Landscaping&#62;');
    expect(res.text).toContain('owner@duesense-demo.test');
    expect(res.text).not.toContain('<script>');
    expect(res.text).not.toMatch(/(src|href)="https?:/);
  });

  it('shows an error page, never a redirect, for an unknown client or an unregistered redirect_uri', async () => {
    const { app } = oauthKit();
    const cases: Array<Record<string, string>> = [
      { client_id: 'nope' },
      { redirect_uri: 'http://evil.test/cb' },
      { redirect_uri: `${CLIENT.redirectUris[0]}/` },
    ];
    for (const over of cases) {
      const res = await request(app).get('/connect/oauth2').query(authorizeQuery(over));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('data-emulator-oauth-error');
    }
  });

  it('redirects invalid_scope (unknown or empty scope) with the state', async () => {
    const { app } = oauthKit();
    for (const scope of ['com.intuit.quickbooks.accounting bogus', '']) {
      const res = await request(app).get('/connect/oauth2').query(authorizeQuery({ scope }));
      expect(res.status).toBe(302);
      const back = new URL(res.headers.location!);
      expect(`${back.origin}${back.pathname}`).toBe(CLIENT.redirectUris[0]);
      expect(back.searchParams.get('error')).toBe('invalid_scope');
      expect(back.searchParams.get('state')).toBe('st-1');
    }
  });

  it('redirects unsupported_response_type and invalid_request for a bad or missing response_type', async () => {
    const { app } = oauthKit();
    const token = await request(app)
      .get('/connect/oauth2')
      .query(authorizeQuery({ response_type: 'token' }));
    expect(new URL(token.headers.location!).searchParams.get('error')).toBe('unsupported_response_type');
    const { response_type: _omit, ...rest } = authorizeQuery();
    const missing = await request(app).get('/connect/oauth2').query(rest);
    expect(new URL(missing.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });
});

describe('POST /connect/oauth2/decision', () => {
  it('approve redirects with code, state and realmId', async () => {
    const { app } = oauthKit();
    const { res, query } = await decide(app, { state: 'csrf-abc' });
    expect(res.status).toBe(302);
    expect(res.headers.location!.startsWith(`${CLIENT.redirectUris[0]}?`)).toBe(true);
    expect(query?.get('code')).toMatch(/^AB11/);
    expect(query?.get('state')).toBe('csrf-abc');
    expect(query?.get('realmId')).toBe(REALM);
  });

  it('deny redirects with access_denied and the state, and no code', async () => {
    const { app } = oauthKit();
    const { res, query } = await decide(app, { decision: 'deny' });
    expect(res.status).toBe(302);
    expect(query?.get('error')).toBe('access_denied');
    expect(query?.get('state')).toBe('st-123');
    expect(query?.has('code')).toBe(false);
  });

  it('re-validates the client, redirect_uri and company', async () => {
    const { app } = oauthKit();
    expect((await decide(app, { redirectUri: 'http://evil.test/cb' })).res.status).toBe(400);
    expect((await decide(app, { redirectUri: 'http://evil.test/cb' })).res.headers.location).toBeUndefined();
    expect((await decide(app, { clientId: 'nope' })).res.status).toBe(400);
    expect((await decide(app, { realmId: '404' })).res.status).toBe(400);
    expect((await decide(app, { scope: 'openid nonsense' })).query?.get('error')).toBe('invalid_scope');
  });

  it('a sign-in-only consent (openid, no accounting) names no company', async () => {
    const { app } = oauthKit();
    const { query } = await decide(app, { scope: 'openid email', realmId: '' });
    expect(query?.get('code')).toBeTruthy();
    expect(query?.has('realmId')).toBe(false);
  });
});
