import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Intuit's webhook signature (qbo-api.md §6). Pure and dependency-free (node:crypto only) so the app's
 * receiver can reuse it. Always sign and verify the raw body bytes, never a re-serialised JSON.
 */

/** The `intuit-signature` header value: base64 of HMAC-SHA256(key = verifier token, message = raw body). */
export function signWebhookBody(rawBody: string | Buffer, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody).digest('base64');
}

/** Constant-time check of an `intuit-signature` header against the raw body. */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  verifierToken: string,
): boolean {
  if (typeof header !== 'string' || header === '' || verifierToken === '') return false;
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  // Buffer.from(.., 'base64') silently skips junk, so also require the canonical encoding.
  const given = Buffer.from(header, 'base64');
  if (given.length !== expected.length || given.toString('base64') !== header) return false;
  return timingSafeEqual(given, expected);
}
