import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { INTUIT_ISSUER } from './endpoints.js';
import { QboPermanent, QboTransient } from './qbo-errors.js';

export interface IdTokenClaims {
  sub: string;
  realmId: string | undefined;
  email: string | undefined;
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

const CLOCK_SKEW_SEC = 120;

/**
 * Verifies Intuit's id_token: RS256 signature against the JWKS, issuer, audience containing our client id,
 * and expiry against our (injectable) clock. intuit-oauth's validateIdToken checks the same things but
 * against the wall clock and without telling us the claims, so we do it here with node:crypto.
 */
export async function verifyIdToken(idToken: string, o: { clientId: string; jwksUrl: string; now: Date }): Promise<IdTokenClaims> {
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new QboPermanent('id_token is not a JWT');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart) as { alg?: string; kid?: string };
  const claims = decodeJson(payloadPart) as { iss?: string; aud?: string | string[]; exp?: number; sub?: string; realmid?: string; email?: string };
  if (header.alg !== 'RS256') throw new QboPermanent(`id_token uses ${String(header.alg)}, not RS256`);
  if (claims.iss !== INTUIT_ISSUER) throw new QboPermanent('id_token has the wrong issuer');
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(o.clientId)) throw new QboPermanent('id_token was not issued to this app');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SEC < o.now.getTime() / 1000) throw new QboPermanent('id_token has expired');
  if (!claims.sub) throw new QboPermanent('id_token has no subject');

  const key = (await fetchJwks(o.jwksUrl)).find((k) => k.kid === header.kid);
  if (!key) throw new QboPermanent(`no key ${String(header.kid)} in Intuit's JWKS`);
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${headerPart}.${payloadPart}`);
  if (!verifier.verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(signaturePart, 'base64url'))) {
    throw new QboPermanent('id_token signature does not verify');
  }
  return { sub: claims.sub, realmId: claims.realmid, email: claims.email };
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new QboPermanent('id_token is not a JWT');
  }
}

async function fetchJwks(url: string): Promise<Jwk[]> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new QboTransient(`Intuit's JWKS is unreachable: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new QboTransient(`Intuit's JWKS answered HTTP ${res.status}`, { status: res.status });
  return ((await res.json()) as { keys?: Jwk[] }).keys ?? [];
}
