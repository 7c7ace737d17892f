import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { localSecret } from '../../local-secret-file.js';

/** SESSION_SECRET (newest first), else a secret generated beside the SQLite file (data/session.secret). */
export function resolveSessionSecrets(config: Pick<Config, 'session' | 'db'>): string[] {
  if (config.session.secrets.length > 0) return [...config.session.secrets];
  return [(localSecret(config.db, 'session.secret', (s) => s.length >= 32) ?? randomBytes(32)).toString('base64')];
}
