import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import {
  CHROMIUM_SKIP_MESSAGE,
  chromiumAvailable,
  closeAll,
  launchChromium,
  screenshotAndAxe,
  screenshotPath,
  serve,
} from '../support/browser.js';
import { startEmulator, TEST_CLIENT, type RunningEmulator } from '../support/emulator-harness.js';
import { scoreOn } from '../support/score-on.js';

if (!chromiumAvailable) console.warn(CHROMIUM_SKIP_MESSAGE);

/**
 * Write-back as a bookkeeper meets it in Chromium: the Write-back page's preview, Write into QuickBooks now, the
 * outbox; the Write-back section of Settings; the disconnect offer. Each page passes axe-core (no serious or
 * critical violations) and fits a 768 px wide tablet without sideways scrolling.
 */
describe.skipIf(!chromiumAvailable)('write-back in Chromium', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let realmId: string;
  let customerPath: string;

  beforeAll(async () => {
    const file = generateCompany({ seed: 41, customers: 40, months: 12, asOf: '2026-10-31' });
    realmId = file.realmId;
    emulator = await startEmulator({ companies: [file], now: '2026-10-31T20:00:00Z' });
    t = await startApp(emulator, {
      rateLimit: { perSecond: 1000, perMinute: 100_000, backoffBaseMs: 5, backoffMaxMs: 20 },
    });
    server = await serve(t.app, Number(new URL(TEST_CLIENT.redirectUris[0]!).port));
    browser = await launchChromium();
    // axe is injected into the page; the app's CSP (rightly) forbids that, so this context bypasses it.
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
  });
  afterAll(() => closeAll(context, browser, server, t, emulator));

  const check = (name: string) => screenshotAndAxe(page, `writeback-${name}`);

  it('connects, then the Write-back page previews the notes with nightly write-back off', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Connect to QuickBooks' }).click();
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForURL(`${server.url}/oauth/callback**`);
    await t.container.sync.sync(realmId);
    await scoreOn(t.container, emulator.clock, realmId, '2026-10-31');
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('navigation', { name: 'Duesense' }).getByRole('link', { name: 'Write-back' }).click();
    await page.waitForURL(`${server.url}/writeback`);
    await expect(page.locator('.mainnav a[aria-current="page"]').textContent()).resolves.toBe('Write-back');
    await expect(page.locator('#writeback-nightly').textContent()).resolves.toContain('Nightly write-back is off.');
    await expect(page.locator('#preview-title').textContent()).resolves.toMatch(
      /These \d+ customers would get these notes/,
    );
    expect(await page.locator('#preview-list pre.notes-block').count()).toBeGreaterThan(0);
    await check('preview');
  });

  it('writes into QuickBooks now and lists the writes as they finish', async () => {
    await page.getByRole('button', { name: 'Write into QuickBooks now' }).click();
    await page.waitForURL(/\/writeback\?done=queued&n=\d+/);
    await expect(page.locator('#writeback-notice').textContent()).resolves.toMatch(/Queued \d+ writes into QuickBooks/);
    await expect
      .poll(async () => (await t.container.writeback.counts(realmId)).pending, { timeout: 20_000, interval: 100 })
      .toBe(0);
    await expect
      .poll(async () => t.container.locks.status('writeback', realmId), { timeout: 20_000, interval: 100 })
      .not.toBe('running');
    await page.goto(`${server.url}/writeback`);
    expect(await page.locator('#outbox-table tbody tr').count()).toBeGreaterThan(0);
    await expect(page.locator('#preview-nothing').isVisible()).resolves.toBe(true);
    const first = page.locator('#outbox-table tbody tr').first();
    await first.locator('summary').click();
    await expect(first.locator('pre.notes-block').textContent()).resolves.toContain('--- Duesense risk');
    customerPath = (await first.locator('a').first().getAttribute('href'))!;
    await check('outbox');
  });

  it('turns nightly write-back on in Settings, and the disconnect form offers to remove the notes', async () => {
    await page.goto(`${server.url}/settings#writeback`);
    await expect(page.locator('#writeback').isVisible()).resolves.toBe(true);
    await check('settings');
    await page.locator('#writeback-nightly').check();
    await page.locator('#action-save-writeback').click();
    await page.waitForURL(/\/settings\?done=writeback-on/);
    await expect(page.locator('#settings-notice').textContent()).resolves.toContain('Nightly write-back is on');
    expect((await t.container.writeback.settings(realmId)).nightlyEnabled).toBe(true);
    await page.goto(`${server.url}/company`);
    await expect(page.locator('label[for="disconnect-remove-notes"]').textContent()).resolves.toMatch(
      /Also remove the Duesense notes from \d+ customers in QuickBooks/,
    );
    await check('company');
  });

  it('fits a 768 px wide tablet without sideways scrolling, and still passes axe', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    for (const [name, path] of [
      ['writeback-768', '/writeback'],
      ['settings-768', '/settings#writeback'],
      ['company-768', '/company'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path).toBe(true);
      await check(name);
    }
    // A customer's writes fit too. (Its open-invoice table scrolls inside a region axe wants focusable, as every
    // .table-scroll of the panel does: that is the panel's, not write-back's, and panel.test.ts covers the page.)
    await page.goto(`${server.url}${customerPath}`);
    await expect(page.locator('#customer-writes .wb-writes li').count()).resolves.toBeGreaterThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.screenshot({ path: screenshotPath('writeback-customer-768'), fullPage: true });
  });
});
