import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError } from '../../../server/app-manifest.js';
import { loadConfig } from '../../../server/config.js';

type ManifestJson = Record<string, unknown> & { urls: Record<string, string> };
const manifest = JSON.parse(
  fs.readFileSync(new URL('../../../app-manifest.json', import.meta.url), 'utf8'),
) as ManifestJson;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'duesense-manifest-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let written = 0;

function write(content: unknown): string {
  const file = path.join(scratch, `app-manifest-${++written}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('app-manifest.json', () => {
  it('agrees with the default configuration', () => {
    expect(loadManifest(loadConfig({})).urls.redirect).toBe('/oauth/callback');
  });

  it('refuses a redirect URI the manifest does not register', () => {
    const config = loadConfig({ INTUIT_REDIRECT_URI: 'https://elsewhere.example/cb' });
    expect(() => loadManifest(config)).toThrow(
      /INTUIT_REDIRECT_URI is https:\/\/elsewhere.example\/cb, but the manifest registers http:\/\/localhost:3000\/oauth\/callback/,
    );
  });

  it('refuses scopes that differ from what the app requests', () => {
    const file = write({ ...manifest, scopes: ['com.intuit.quickbooks.accounting'] });
    expect(() => loadManifest(loadConfig({}), file)).toThrow(
      /scopes are com.intuit.quickbooks.accounting, but the app requests/,
    );
  });

  it('names malformed fields', () => {
    const file = write({ ...manifest, urls: { ...manifest.urls, eula: 'legal/eula' }, extra: 1 });
    try {
      loadManifest(loadConfig({}), file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      expect((err as ManifestError).problems.join('\n')).toMatch(/urls.eula: must be a path/);
    }
  });
});
