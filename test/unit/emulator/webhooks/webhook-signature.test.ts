import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../../../server/qbo/webhook-signature.js';

const BODY =
  '{"eventNotifications":[{"realmId":"310687","dataChangeEvent":{"entities":' +
  '[{"id":"1234","operation":"Create","name":"Account","lastUpdated":"2025-09-08T20:52:31.657Z"}]}}]}';
const VERIFIER = 'verifier-token-123';

describe('webhook signature', () => {
  it('is base64 HMAC-SHA256 of the raw body keyed with the verifier token', () => {
    const expected = createHmac('sha256', VERIFIER).update(Buffer.from(BODY, 'utf8')).digest('base64');
    expect(signWebhookBody(BODY, VERIFIER)).toBe(expected);
    expect(signWebhookBody(Buffer.from(BODY, 'utf8'), VERIFIER)).toBe(expected);
    // Published known answer: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") = f7bc83f4…2d1a3cd8.
    const known = Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex').toString(
      'base64',
    );
    expect(signWebhookBody('The quick brown fox jumps over the lazy dog', 'key')).toBe(known);
  });

  it('verifies a correct header and rejects a tampered body or a wrong key', () => {
    const header = signWebhookBody(BODY, VERIFIER);
    expect(verifyWebhookSignature(BODY, header, VERIFIER)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(BODY), header, VERIFIER)).toBe(true);
    expect(verifyWebhookSignature(BODY.replace('1234', '1235'), header, VERIFIER)).toBe(false);
    // Re-serialising changes the bytes (here: whitespace), so the raw body matters.
    expect(verifyWebhookSignature(JSON.stringify(JSON.parse(BODY), null, 1), header, VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, header, 'other-verifier')).toBe(false);
  });

  it('rejects missing, empty, wrong-length and non-canonical headers without throwing', () => {
    const header = signWebhookBody(BODY, VERIFIER);
    expect(verifyWebhookSignature(BODY, undefined, VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, null, VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, '', VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, header.slice(0, 20), VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, `${header}AAAA`, VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, `${header.slice(0, 10)}!!${header.slice(10)}`, VERIFIER)).toBe(false);
    expect(verifyWebhookSignature(BODY, header, '')).toBe(false);
  });
});
