import OAuthClient from 'intuit-oauth';
import type { IntuitEnvironment } from '../config.js';
import { NodeQuickBooks } from './node-quickbooks-module.js';

/** Where Intuit lives for each environment; for the emulator, every URL is on the emulator's origin. */
export interface IntuitEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  userinfo: string;
  jwks: string;
  discovery: string;
  /** node-quickbooks base: must end with `/v3/company/`. */
  apiBase: string;
}

/** The id_token issuer is Intuit's even on the emulator: intuit-oauth hard-codes it. */
export const INTUIT_ISSUER = 'https://oauth.platform.intuit.com/op/v1';

export function endpointsFor(environment: IntuitEnvironment, emulatorUrl?: string): IntuitEndpoints {
  if (environment === 'emulator') {
    if (!emulatorUrl) throw new Error('endpointsFor: the emulator environment needs the emulator URL');
    const e = emulatorUrl.replace(/\/$/, '');
    return {
      authorize: `${e}/connect/oauth2`,
      token: `${e}/oauth2/v1/tokens/bearer`,
      revoke: `${e}/v2/oauth2/tokens/revoke`,
      userinfo: `${e}/v1/openid_connect/userinfo`,
      jwks: `${e}/op/v1/jwks`,
      discovery: `${e}/.well-known/openid_sandbox_configuration`,
      apiBase: `${e}/v3/company/`,
    };
  }
  const sandbox = environment === 'sandbox';
  return {
    authorize: 'https://appcenter.intuit.com/connect/oauth2',
    token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    userinfo: sandbox
      ? 'https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo'
      : 'https://accounts.platform.intuit.com/v1/openid_connect/userinfo',
    jwks: 'https://oauth.platform.intuit.com/op/v1/jwks',
    discovery: sandbox
      ? 'https://developer.api.intuit.com/.well-known/openid_sandbox_configuration'
      : 'https://developer.api.intuit.com/.well-known/openid_configuration',
    apiBase: sandbox
      ? 'https://sandbox-quickbooks.api.intuit.com/v3/company/'
      : 'https://quickbooks.api.intuit.com/v3/company/',
  };
}

type Statics = Record<string, unknown>;

/**
 * Both libraries keep their URLs in process-global statics (qbo-api.md §8, §9). This is the one place
 * that sets them; it runs whenever a client is built, so the last configured endpoints always apply.
 */
export function pointLibrariesAt(endpoints: IntuitEndpoints): void {
  const oauth = OAuthClient as unknown as Statics;
  oauth.authorizeEndpoint = endpoints.authorize;
  oauth.tokenEndpoint = endpoints.token;
  oauth.revokeEndpoint = endpoints.revoke;
  oauth.userinfo_endpoint_sandbox = endpoints.userinfo;
  oauth.userinfo_endpoint_production = endpoints.userinfo;
  oauth.jwks_uri = endpoints.jwks;
  const apiOrigin = endpoints.apiBase.replace(/v3\/company\/$/, '');
  oauth.environment = { sandbox: apiOrigin, production: apiOrigin };
  const qb = NodeQuickBooks as Statics;
  qb.V3_ENDPOINT_BASE_URL = endpoints.apiBase;
  qb.TOKEN_URL = endpoints.token;
  qb.REVOKE_URL = endpoints.revoke;
  qb.USER_INFO_URL = endpoints.userinfo;
}
