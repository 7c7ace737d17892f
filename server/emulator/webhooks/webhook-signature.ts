import { createHmac, timingSafeEqual } from 'node:crypto';

/** intuit-signature: base64 HMAC-SHA256 of the raw request body, keyed with the app's verifier token. */
export function signWebhookBody(rawBody: string | Buffer, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody).digest('base64');
}

/** Constant-time check of an intuit-signature header against the raw body (never a re-serialised one). */
export function verifyWebhookSignature(rawBody: string | Buffer, header: string | undefined, verifierToken: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, verifierToken), 'base64');
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
