import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Express } from 'express';
import { expect } from 'vitest';
import { seriousAccessibilityViolations } from './axe.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM);
export const CHROMIUM_SKIP_MESSAGE =
  `browser tests need Chromium at ${CHROMIUM} ` + "(.ci/run installs Debian's chromium); skipped";
export const ARTIFACTS_DIR = path.resolve('test-artifacts', 'screenshots');

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no background networking);
 * playwright gives it a fresh profile.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Serves an express app on a fixed loopback port (the OAuth redirect URI names it). */
export async function serve(app: Express, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${name}.png`);
}

/** Screenshots the whole page into test-artifacts (`<name>.png`), then fails on serious or critical axe violations. */
export async function screenshotAndAxe(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  expect(await seriousAccessibilityViolations(page), `${name}: serious or critical axe violations`).toEqual([]);
}

/** Closes what a browser test opened, in the order given; any may be missing when its setup failed. */
export async function closeAll(...opened: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  for (const o of opened) await o?.close();
}
