import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app-harness.js';
import { CHROMIUM_SKIP_MESSAGE, chromiumAvailable, launchChromium, screenshotPath, serve } from '../support/browser.js';
import { startEmulator, TEST_CLIENT, type RunningEmulator } from '../support/emulator-harness.js';

if (!chromiumAvailable) console.warn(CHROMIUM_SKIP_MESSAGE);

describe.skipIf(!chromiumAvailable)('connecting the demo company in Chromium', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;

  beforeAll(async () => {
    emulator = await startEmulator();
    t = await startApp(emulator);
    server = await serve(t.app, Number(new URL(TEST_CLIENT.redirectUris[0]!).port));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
    await emulator?.close();
  });

  it('clicks Connect to QuickBooks, approves on the consent page and lands connected', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Connect to QuickBooks' }).click();
    await page.waitForURL(`${emulator.url}/connect/oauth2**`);
    await expect(page.getByText('Fixture Landscaping').first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('consent-page'), fullPage: true });
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForURL(`${server.url}/oauth/callback**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Connected to Fixture Landscaping',
    );
    await page.goto(`${server.url}/company`); // "/" is the dashboard once a company is connected
    await expect(page.getByRole('button', { name: 'Disconnect from QuickBooks' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('connected-home'), fullPage: true });
  });
});
