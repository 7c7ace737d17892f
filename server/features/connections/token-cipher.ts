import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for OAuth tokens at rest. A ciphertext reads `v1.<keyId>.<iv>.<tag>.<data>` (base64url), so
 * a key can be rotated: new writes use the first key, reads find theirs by id among the configured keys.
 */
export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Id of the key new ciphertexts use. */
  currentKeyId: string;
}

const VERSION = 'v1';

/** A key's id is a short hash of the key itself: stable, and says nothing about the key. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

export function createTokenCipher(keys: Buffer[]): TokenCipher {
  if (keys.length === 0) throw new Error('createTokenCipher: at least one key is required');
  for (const k of keys) if (k.length !== 32) throw new Error('createTokenCipher: keys must be 32 bytes (AES-256)');
  const byId = new Map(keys.map((k) => [keyId(k), k]));
  const current = keys[0]!;
  const currentId = keyId(current);
  return {
    currentKeyId: currentId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        VERSION,
        currentId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    decrypt(sealed) {
      const [version, id, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !id || !iv || !tag || data === undefined) throw new Error('Not a sealed token');
      const key = byId.get(id);
      if (!key)
        throw new Error(
          `No configured key can open this token (key id ${id}); ` +
            'was TOKEN_ENCRYPTION_KEY changed without keeping the old key?',
        );
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
