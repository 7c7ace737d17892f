import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../../server/clock.js';
import { INTUIT_ISSUER, jwks, signIdToken } from '../../../server/emulator/oauth/id-token-signer.js';
import { createOAuthRouter } from '../../../server/emulator/oauth/oauth-routes.js';
import { TokenAuthority } from '../../../server/emulator/oauth/token-authority.js';
import { endpointsFor } from '../../../server/qbo/endpoints.js';
import { createIdTokenVerifier } from '../../../server/qbo/id-token.js';
import { QboPermanent, QboTransient } from '../../../server/qbo/qbo-errors.js';

// The app's verifier against the emulator's OAuth router (its JWKS route and RS256 signer) over HTTP,
// counting the JWKS requests the router answers.
const CLIENT_ID = 'id-token-client';
const SIGNED_AT = new Date('2025-06-15T17:00:00Z');
const signedAtSec = SIGNED_AT.getTime() / 1000;
let server: http.Server;
let jwksUrl: string;
let jwksRequests = 0;
let jwksStatus = 200;

beforeAll(async () => {
  const app = express();
  app.use('/op/v1/jwks', (_req, res, next) => {
    jwksRequests += 1;
    if (jwksStatus !== 200) return void res.status(jwksStatus).send('unavailable');
    next();
  });
  const authority = new TokenAuthority({ clock: manualClock(SIGNED_AT), clients: [] });
  app.use(createOAuthRouter({ authority, companies: () => [] }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = endpointsFor('emulator', `http://127.0.0.1:${(server.address() as AddressInfo).port}`).jwks;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  jwksRequests = 0;
  jwksStatus = 200;
});

const emulatorToken = (o: { clientId?: string; sub?: string; email?: string } = {}) =>
  signIdToken({
    clientId: o.clientId ?? CLIENT_ID,
    sub: o.sub ?? 'user-1',
    realmId: '9130350000000042',
    email: o.email,
    nowSec: signedAtSec,
    authTimeSec: signedAtSec,
  });

/** A token with the emulator's claims and a key id, signed by a key that is not in the emulator's JWKS. */
async function tokenFromAnotherKey(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ realmid: '9130350000000042' })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(INTUIT_ISSUER)
    .setAudience([CLIENT_ID])
    .setSubject('user-1')
    .setIssuedAt(signedAtSec)
    .setExpirationTime(signedAtSec + 3600)
    .sign(privateKey);
}

const emulatorKid = () => String(jwks().keys[0]!.kid);

describe('id_token verification with a cached JWKS', () => {
  it('verifies the emulator-signed tokens of two sign-ins with one JWKS request', async () => {
    const verify = createIdTokenVerifier({ clientId: CLIENT_ID, jwksUrl, clock: manualClock(SIGNED_AT) });
    const first = await verify(emulatorToken({ email: 'ada@example.com' }));
    expect(first).toEqual({ sub: 'user-1', realmId: '9130350000000042', email: 'ada@example.com' });
    expect(await verify(emulatorToken({ sub: 'user-2' }))).toEqual({
      sub: 'user-2',
      realmId: '9130350000000042',
      email: undefined,
    });
    expect(jwksRequests).toBe(1);
  });

  it('rejects a token signed by another key under the JWKS key id, and one naming a key the JWKS lacks', async () => {
    const verify = createIdTokenVerifier({ clientId: CLIENT_ID, jwksUrl, clock: manualClock(SIGNED_AT) });
    const forged = verify(await tokenFromAnotherKey(emulatorKid()));
    await expect(forged).rejects.toBeInstanceOf(QboPermanent);
    await expect(forged).rejects.toThrow('id_token signature does not verify');
    const unknown = verify(await tokenFromAnotherKey('not-intuits-key'));
    await expect(unknown).rejects.toBeInstanceOf(QboPermanent);
    await expect(unknown).rejects.toThrow("no key not-intuits-key in Intuit's JWKS");
  });

  it('judges expiry by the injected clock, allowing two minutes of skew', async () => {
    const clock = manualClock(new Date(SIGNED_AT.getTime() + (3600 + 119) * 1000));
    const verify = createIdTokenVerifier({ clientId: CLIENT_ID, jwksUrl, clock });
    const token = emulatorToken();
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    clock.set(new Date(SIGNED_AT.getTime() + (3600 + 121) * 1000));
    const expired = verify(token);
    await expect(expired).rejects.toBeInstanceOf(QboPermanent);
    await expect(expired).rejects.toThrow('id_token has expired');
  });

  it('rejects a token issued to another app, and text that is not a JWT', async () => {
    const verify = createIdTokenVerifier({ clientId: CLIENT_ID, jwksUrl, clock: manualClock(SIGNED_AT) });
    await expect(verify(emulatorToken({ clientId: 'someone-else' }))).rejects.toThrow(
      'id_token was not issued to this app',
    );
    await expect(verify('not.a.jwt')).rejects.toBeInstanceOf(QboPermanent);
  });

  it('fails as transient when the JWKS answers an error, and fetches it again on the next sign-in', async () => {
    const verify = createIdTokenVerifier({ clientId: CLIENT_ID, jwksUrl, clock: manualClock(SIGNED_AT) });
    jwksStatus = 503;
    const unavailable = verify(emulatorToken());
    await expect(unavailable).rejects.toBeInstanceOf(QboTransient);
    await expect(unavailable).rejects.toThrow("Intuit's JWKS answered HTTP 503");
    jwksStatus = 200;
    await expect(verify(emulatorToken())).resolves.toMatchObject({ sub: 'user-1' });
    expect(jwksRequests).toBe(2);
  });

  it('keeps the JWKS the emulator publishes as an RS256 signing key set', async () => {
    const body = (await (await fetch(jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
    expect(body.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: emulatorKid() })]);
  });
});
