import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';

/**
 * The keys that seal OAuth tokens. Production must configure TOKEN_ENCRYPTION_KEY (config enforces it).
 * Elsewhere a key is generated once and kept beside the SQLite file (mode 0600), so a developer's demo
 * works with no setup and tokens still never sit in the database in clear text.
 */
export function resolveTokenKeys(config: Pick<Config, 'tokenEncryptionKeys' | 'db'>): Buffer[] {
  if (config.tokenEncryptionKeys.length > 0) return [...config.tokenEncryptionKeys];
  if (config.db.client !== 'sqlite' || config.db.filename === ':memory:') return [randomBytes(32)];
  const keyFile = path.join(path.dirname(config.db.filename), 'token-encryption.key');
  if (fs.existsSync(keyFile)) {
    const key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte base64 key; delete it to generate a new one (connected companies will need to reconnect).`);
    return [key];
  }
  const key = randomBytes(32);
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  fs.writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  return [key];
}
