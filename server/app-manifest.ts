import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from './config.js';
import { CONNECT_SCOPES } from './features/connections/connection-service.js';
import { PROJECT_ROOT } from './project-root.js';

export const MANIFEST_FILE = path.join(PROJECT_ROOT, 'app-manifest.json');

const appPath = z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path on the app, starting with /');

/** app-manifest.json: the app's settings as entered in Intuit's developer portal. */
export const manifestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  scopes: z.array(z.string().min(1)).min(1),
  urls: z.strictObject({
    host: z.literal('$APP_BASE_URL'),
    launch: appPath,
    connect: appPath,
    redirect: appPath,
    disconnect: appPath,
    reconnect: appPath,
    eula: appPath,
    privacy: appPath,
  }),
  webhooks: z.strictObject({
    endpoint: appPath,
    entities: z.array(z.enum(['Customer', 'Invoice', 'Payment', 'CreditMemo', 'Item', 'Term'])).min(1),
  }),
});
export type AppManifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`app-manifest.json disagrees with the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

/**
 * Reads app-manifest.json and checks it against the running configuration: the same scopes the app asks
 * for, and a redirect URI that is the app's own URL plus the manifest's redirect path. Disagreement means
 * Intuit would reject the OAuth flow, so the app refuses to start with the reason.
 */
export function loadManifest(config: Pick<Config, 'http' | 'intuit'>, file = MANIFEST_FILE): AppManifest {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ManifestError([`cannot read ${file}: ${(err as Error).message}`]);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new ManifestError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const manifest = parsed.data;
  const problems: string[] = [];
  const expectedScopes = [...CONNECT_SCOPES].sort();
  if (JSON.stringify([...manifest.scopes].sort()) !== JSON.stringify(expectedScopes)) {
    problems.push(`scopes are ${manifest.scopes.join(' ')}, but the app requests ${expectedScopes.join(' ')}`);
  }
  const expectedRedirect = `${config.http.baseUrl}${manifest.urls.redirect}`;
  if (config.intuit.redirectUri !== expectedRedirect) {
    problems.push(
      `INTUIT_REDIRECT_URI is ${config.intuit.redirectUri}, ` +
        `but the manifest registers ${expectedRedirect} (APP_BASE_URL + urls.redirect)`,
    );
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return manifest;
}
