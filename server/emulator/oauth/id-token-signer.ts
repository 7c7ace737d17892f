import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtSegment } from './jwt-segment.js';

/**
 * Intuit's issuer; intuit-oauth's validateIdToken hard-codes it, so the emulator uses it too. (Same value as
 * server/qbo/endpoints.ts; duplicated so the emulator does not depend on the app's client code.)
 */
export const INTUIT_ISSUER = 'https://oauth.platform.intuit.com/op/v1';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

let key: SigningKey | undefined;

/** One RSA key per process (generating one per emulator would slow every test that starts one). */
function signingKey(): SigningKey {
  if (!key) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `emulator-${Date.now().toString(36)}`;
    key = {
      kid,
      privateKey: pair.privateKey,
      jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
    };
  }
  return key;
}

export function jwks(): { keys: Array<Record<string, unknown>> } {
  return { keys: [signingKey().jwk] };
}

export const ID_TOKEN_TTL_SEC = 3600;

/**
 * An RS256 id_token with Intuit's claims: iss, aud (an array), sub, realmid, iat, exp, auth_time, and email
 * when the email scope was granted. realmid is left out when the grant has no company.
 */
export function signIdToken(claims: {
  clientId: string;
  sub: string;
  realmId: string;
  email?: string;
  nowSec: number;
  authTimeSec: number;
}): string {
  const k = signingKey();
  const header = jwtSegment({ alg: 'RS256', kid: k.kid, typ: 'JWT' });
  const payload = jwtSegment({
    iss: INTUIT_ISSUER,
    aud: [claims.clientId],
    sub: claims.sub,
    realmid: claims.realmId || undefined,
    email: claims.email,
    iat: claims.nowSec,
    exp: claims.nowSec + ID_TOKEN_TTL_SEC,
    auth_time: claims.authTimeSec,
  });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(k.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
