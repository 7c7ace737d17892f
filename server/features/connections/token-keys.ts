import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { localSecret } from '../../local-secret-file.js';

/**
 * The keys that seal OAuth tokens: TOKEN_ENCRYPTION_KEY (newest first), else a key generated beside the
 * SQLite file (data/token-encryption.key). Losing that file means companies must reconnect.
 */
export function resolveTokenKeys(config: Pick<Config, 'tokenEncryptionKeys' | 'db'>): Buffer[] {
  if (config.tokenEncryptionKeys.length > 0) return [...config.tokenEncryptionKeys];
  return [localSecret(config.db, 'token-encryption.key', (k) => k.length === 32) ?? randomBytes(32)];
}
