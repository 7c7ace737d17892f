import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/**
 * Outside production a missing secret is generated once and kept beside the SQLite file (mode 0600), so a
 * developer's demo works with no setup and still never runs on a well-known secret. Production must
 * configure its secrets (config enforces it). Returns undefined for :memory: and PostgreSQL databases,
 * where the caller uses a random per-process secret.
 */
export function localSecret(
  db: Config['db'],
  fileName: string,
  validate: (value: Buffer) => boolean,
): Buffer | undefined {
  if (db.client !== 'sqlite' || db.filename === ':memory:') return undefined;
  const file = path.join(path.dirname(db.filename), fileName);
  if (fs.existsSync(file)) {
    const value = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (!validate(value)) throw new Error(`${file} does not hold a valid secret; delete it to generate a new one.`);
    return value;
  }
  const value = randomBytes(32);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${value.toString('base64')}\n`, { mode: 0o600 });
  return value;
}
