import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, keyId } from '../../../server/features/connections/token-cipher.js';

describe('token cipher (AES-256-GCM)', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it('round-trips and never contains the plain text', () => {
    const cipher = createTokenCipher([a]);
    const sealed = cipher.encrypt('AB11-refresh-token-value');
    expect(sealed).not.toContain('AB11');
    expect(sealed.startsWith(`v1.${keyId(a)}.`)).toBe(true);
    expect(cipher.decrypt(sealed)).toBe('AB11-refresh-token-value');
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('rotates: the new key encrypts, the old key still decrypts', () => {
    const old = createTokenCipher([a]).encrypt('old-token');
    const rotated = createTokenCipher([b, a]);
    expect(rotated.decrypt(old)).toBe('old-token');
    expect(rotated.encrypt('x').split('.')[1]).toBe(keyId(b));
    expect(() => createTokenCipher([b]).decrypt(old)).toThrow(/No configured key/);
  });

  it('detects tampering', () => {
    const cipher = createTokenCipher([a]);
    const parts = cipher.encrypt('secret').split('.');
    parts[4] = Buffer.from('forged').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });
});
