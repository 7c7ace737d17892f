import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock.js';
import { INTUIT_ISSUER } from './endpoints.js';
import { QboError, QboPermanent, QboTransient } from './qbo-errors.js';

export interface IdTokenClaims {
  sub: string;
  realmId: string | undefined;
  email: string | undefined;
}

export type IdTokenVerifier = (idToken: string) => Promise<IdTokenClaims>;

const CLOCK_SKEW_SEC = 120;

/**
 * Verifies Intuit's id_token: RS256 signature against the JWKS, issuer, audience containing our client id, and
 * expiry against the injected clock (intuit-oauth's validateIdToken uses the wall clock and does not return the
 * claims). Build one per process: jose keeps the JWKS between sign-ins and fetches it again only when a token
 * names a key it does not hold (Intuit rotating its keys) or the cached set has grown old.
 */
export function createIdTokenVerifier(o: { clientId: string; jwksUrl: string; clock: Clock }): IdTokenVerifier {
  const keys = createRemoteJWKSet(new URL(o.jwksUrl), { [customFetch]: fetchJwks });
  return async (idToken) => {
    let payload: JWTPayload & { realmid?: unknown; email?: unknown };
    try {
      ({ payload } = await jwtVerify(idToken, keys, {
        algorithms: ['RS256'],
        issuer: INTUIT_ISSUER,
        audience: o.clientId,
        requiredClaims: ['exp', 'sub'],
        currentDate: o.clock.now(),
        clockTolerance: CLOCK_SKEW_SEC,
      }));
    } catch (err) {
      throw err instanceof QboError ? err : asQboError(err, idToken);
    }
    return {
      sub: payload.sub!,
      realmId: typeof payload.realmid === 'string' ? payload.realmid : undefined,
      email: typeof payload.email === 'string' ? payload.email : undefined,
    };
  };
}

/** The JWKS request, failing as transient (retry later) when Intuit cannot be reached or does not answer 200. */
async function fetchJwks(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new QboTransient(`Intuit's JWKS is unreachable: ${(err as Error).message}`, { cause: err });
  }
  if (res.status !== 200) throw new QboTransient(`Intuit's JWKS answered HTTP ${res.status}`, { status: res.status });
  return res;
}

/** jose's error as one of the three kinds: a token that fails a check is permanent, an unreadable key set transient. */
function asQboError(err: unknown, idToken: string): QboError {
  if (!(err instanceof errors.JOSEError))
    return new QboTransient(`id_token could not be verified: ${String(err)}`, { cause: err });
  const fail = (message: string) => new QboPermanent(message, { cause: err, code: err.code });
  if (err instanceof errors.JWTExpired) return fail('id_token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return fail('id_token has the wrong issuer');
    if (err.claim === 'aud') return fail('id_token was not issued to this app');
    if (err.claim === 'exp') return fail('id_token has expired');
    if (err.claim === 'sub') return fail('id_token has no subject');
    return fail(`id_token's ${err.claim} claim is invalid`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return fail(`id_token uses ${String(decodeProtectedHeader(idToken).alg)}, not RS256`);
  if (err instanceof errors.JWKSNoMatchingKey)
    return fail(`no key ${String(decodeProtectedHeader(idToken).kid)} in Intuit's JWKS`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return fail('id_token signature does not verify');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return fail('id_token is not a JWT');
  if (err instanceof errors.JWKSInvalid || err instanceof errors.JWKSTimeout || err.code === 'ERR_JOSE_GENERIC') {
    return new QboTransient(`Intuit's JWKS could not be read: ${err.message}`, { cause: err, code: err.code });
  }
  return fail(`id_token is not valid: ${err.message}`);
}
