import express, { type Request, type Response, type Router } from 'express';
import { renderConsentPage, renderOAuthErrorPage } from './consent-page.js';
import { INTUIT_ISSUER, jwks } from './id-token-signer.js';
import { userBySub, EMULATED_USERS } from './oauth-users.js';
import { OAuthError, type OAuthClientRegistration, type TokenAuthority } from './token-authority.js';

const KNOWN_SCOPES = new Set([
  'com.intuit.quickbooks.accounting',
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
]);
/** Scopes that connect a company: consent must pick one, and the redirect carries its realmId. */
const COMPANY_SCOPES = ['com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment'];

interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
}

/**
 * Intuit's OAuth 2.0 / OpenID endpoints at Intuit's paths: discovery, authorize (consent page) and its
 * decision, token (authorization_code, refresh_token), revoke, userinfo and JWKS.
 */
export function createOAuthRouter(o: {
  authority: TokenAuthority;
  companies: () => Array<{ realmId: string; companyName: string }>;
}): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const a = o.authority;

  const discovery = (req: Request, res: Response) => {
    const base = `${req.protocol}://${req.get('host')}`;
    res.json({
      issuer: INTUIT_ISSUER,
      authorization_endpoint: `${base}/connect/oauth2`,
      token_endpoint: `${base}/oauth2/v1/tokens/bearer`,
      userinfo_endpoint: `${base}/v1/openid_connect/userinfo`,
      revocation_endpoint: `${base}/v2/oauth2/tokens/revoke`,
      jwks_uri: `${base}/op/v1/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    });
  };
  router.get('/.well-known/openid_sandbox_configuration', discovery);
  router.get('/.well-known/openid_configuration', discovery);
  router.get('/op/v1/jwks', (_req, res) => void res.json(jwks()));

  /** Validates what the authorize request names; problems with client or redirect never redirect. */
  const validate = (
    p: Partial<Record<string, unknown>>,
    res: Response,
  ): { params: AuthorizeParams; client: OAuthClientRegistration } | undefined => {
    const clientId = str(p.client_id);
    const client = a.client(clientId);
    if (!client)
      return void res
        .status(400)
        .type('html')
        .send(renderOAuthErrorPage(`Unknown client_id ${clientId ?? '(none)'}.`));
    const redirectUri = str(p.redirect_uri);
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return void res
        .status(400)
        .type('html')
        .send(renderOAuthErrorPage(`The redirect_uri ${redirectUri ?? '(none)'} is not registered for this app.`));
    }
    const state = str(p.state) ?? '';
    const back = (params: Record<string, string>) =>
      res.redirect(302, withQuery(redirectUri, { ...params, ...(state ? { state } : {}) }));
    if (p.response_type === undefined || p.response_type === '') return void back({ error: 'invalid_request' });
    if (p.response_type !== 'code') return void back({ error: 'unsupported_response_type' });
    const scopes = (str(p.scope) ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return void back({ error: 'invalid_scope' });
    return { params: { clientId: client.clientId, redirectUri, scope: scopes.join(' '), state }, client };
  };

  router.get('/connect/oauth2', (req, res) => {
    const ok = validate(req.query, res);
    if (!ok) return;
    res.type('html').send(renderConsentPage({ ...ok.params, companies: o.companies(), users: EMULATED_USERS }));
  });

  router.post('/connect/oauth2/decision', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ok = validate(body, res);
    if (!ok) return;
    const { params } = ok;
    const back = (q: Record<string, string>) =>
      res.redirect(302, withQuery(params.redirectUri, { ...q, ...(params.state ? { state: params.state } : {}) }));
    if (body.decision !== 'approve') return back({ error: 'access_denied' });
    const scopes = params.scope.split(' ');
    const needsCompany = scopes.some((s) => COMPANY_SCOPES.includes(s));
    const realmId = needsCompany ? str(body.realmId) : '';
    if (realmId === undefined || (needsCompany && !o.companies().some((c) => c.realmId === realmId))) {
      return void res.status(400).type('html').send(renderOAuthErrorPage('Choose one of the listed companies.'));
    }
    const user = userBySub(str(body.userSub)) ?? EMULATED_USERS[0]!;
    const code = a.issueCode({
      clientId: params.clientId,
      redirectUri: params.redirectUri,
      realmId,
      userSub: user.sub,
      scopes,
    });
    back(needsCompany ? { code, realmId } : { code });
  });

  router.post(
    '/oauth2/v1/tokens/bearer',
    form,
    oauthErrors((req, res) => {
      // A body that is not form-encoded leaves req.body undefined: it then lacks every parameter.
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const basic = basicCredentials(req);
      const client = a.authenticateClient(basic?.id ?? body.client_id, basic?.secret ?? body.client_secret);
      const hard = String(req.get('x-include-refresh-token-hard-expires-in')).toLowerCase() === 'true';
      res.set('Cache-Control', 'no-store');
      if (body.grant_type === 'authorization_code')
        return void res.json(a.exchangeCode(client, body.code, body.redirect_uri, hard));
      if (body.grant_type === 'refresh_token') return void res.json(a.refresh(client, body.refresh_token, hard));
      throw new OAuthError(body.grant_type ? 'unsupported_grant_type' : 'invalid_request', 400);
    }),
  );

  router.post(
    '/v2/oauth2/tokens/revoke',
    express.json({ limit: '16kb' }),
    form,
    oauthErrors((req, res) => {
      const basic = basicCredentials(req);
      const client = a.authenticateClient(basic?.id, basic?.secret);
      const value = str((req.body as Record<string, unknown> | undefined)?.token);
      if (!value) throw new OAuthError('invalid_request', 400, 'token is required');
      a.revokeToken(client, value);
      res.status(200).end();
    }),
  );

  router.get('/v1/openid_connect/userinfo', (req, res) => {
    const header = req.get('authorization');
    const user = a.userInfoFor(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
    if (user === 'invalid_token')
      return void res
        .status(401)
        .set('WWW-Authenticate', 'Bearer error="invalid_token"')
        .json({ error: 'invalid_token' });
    if (user === 'insufficient_scope') return void res.status(403).json({ error: 'insufficient_scope' });
    // Like Intuit, each claim group appears only with its scope: email with `email`, names with `profile`.
    const { user: u, scopes } = user;
    res.json({
      sub: u.sub,
      ...(scopes.includes('email') ? { email: u.email, emailVerified: true } : {}),
      ...(scopes.includes('profile') ? { givenName: u.givenName, familyName: u.familyName } : {}),
    });
  });
  return router;
}

function oauthErrors(handler: (req: Request, res: Response) => void): express.RequestHandler {
  return (req, res) => {
    try {
      handler(req, res);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.status === 401) res.set('WWW-Authenticate', 'Basic realm="Intuit"');
      res
        .status(err.status)
        .json({ error: err.error, ...(err.message !== err.error ? { error_description: err.message } : {}) });
    }
  };
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const header = req.get('authorization');
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
