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
  serve,
} from '../support/browser.js';
import { startEmulator, TEST_CLIENT, type RunningEmulator } from '../support/emulator-harness.js';
import { createReminderStore } from '../../server/features/reminders/reminder-store.js';
import { AS_OF, MONDAY } from '../support/reminder-harness.js';
import { scoreOn } from '../support/score-on.js';

if (!chromiumAvailable) console.warn(CHROMIUM_SKIP_MESSAGE);

/**
 * Reminders as a bookkeeper meets them in Chromium: the queue after a nightly run, approving selected reminders,
 * the Reminders section of Settings (automatic mode and its advice, what a reminder says) and a customer's
 * reminders. Each page passes axe-core (no serious or critical violations) and fits a 768 px wide tablet without
 * sideways scrolling.
 */
describe.skipIf(!chromiumAvailable)('reminders in Chromium', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let realmId: string;

  beforeAll(async () => {
    const file = generateCompany({ seed: 43, customers: 20, months: 12, asOf: AS_OF });
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

  const check = (name: string) => screenshotAndAxe(page, `reminders-${name}`);

  it('connects, runs the night, and the queue groups the reminders awaiting approval by customer', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Connect to QuickBooks' }).click();
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForURL(`${server.url}/oauth/callback**`);
    await t.container.sync.sync(realmId);
    await scoreOn(t.container, emulator.clock, realmId, AS_OF);
    emulator.clock.set(MONDAY);
    const run = await t.container.reminders.run(realmId, { origin: 'nightly', actor: 'Nightly schedule' });
    expect(run.queued.length).toBeGreaterThan(1);
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('navigation', { name: 'Duesense' }).getByRole('link', { name: 'Reminders' }).click();
    await page.waitForURL(`${server.url}/reminders`);
    await expect(page.locator('#reminders-mode').textContent()).resolves.toContain('Approval mode:');
    expect(await page.locator('#form-queue fieldset.rm-group').count()).toBeGreaterThan(0);
    await check('queue');
  });

  it('approves two selected reminders; they are sent in the background and listed as sent', async () => {
    const boxes = page.locator('#form-queue input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator('#action-approve-selected').click();
    await page.waitForURL(/\/reminders\?done=approved&n=2/);
    await expect(page.locator('#notice').textContent()).resolves.toContain('Approved 2 reminders.');
    await expect
      .poll(async () => (await t.container.reminders.counts(realmId)).sent, { timeout: 20_000, interval: 100 })
      .toBe(2);
    await page.goto(`${server.url}/reminders?status=sent`);
    expect(await page.locator('#history-table tbody tr').count()).toBe(2);
    await check('sent');
  });

  it('switches to automatic in Settings, told to turn off QuickBooks’ own reminders; previews a text', async () => {
    await page.goto(`${server.url}/settings#reminders`);
    await expect(page.locator('#reminders-state').textContent()).resolves.toContain('Approval mode is on.');
    await check('settings');
    await page.locator('#reminders-mode-automatic').check();
    await page.locator('#reminders-dailyCap').fill('40');
    await page.locator('#action-save-reminders').click();
    await page.waitForURL(/\/settings\?done=reminders-automatic/);
    await expect(page.locator('#settings-notice').textContent()).resolves.toContain(
      'Switch off QuickBooks’ own automatic invoice reminders (in QuickBooks: Settings → Account and settings → Sales',
    );
    await expect(page.locator('#reminders-advice').isVisible()).resolves.toBe(true);
    expect((await t.container.reminders.policy(realmId)).policy).toMatchObject({ mode: 'automatic', dailyCap: 40 });
    await check('settings-automatic');
    // A week on, the next stages fall due: choose one and read what it says.
    emulator.clock.set('2026-11-09T15:00:00Z');
    await page.locator('#reminders-preview-link').click();
    await page.waitForURL(`${server.url}/settings/reminders/preview`);
    expect(await page.locator('#preview-invoice option').count()).toBeGreaterThan(0);
    await page.locator('#action-preview').click();
    await page.waitForURL(/\/settings\/reminders\/preview\?invoice=/);
    await expect(page.locator('#preview-quickbooks').textContent()).resolves.toContain('QuickBooks sends its own');
    await expect(page.locator('#preview-text').textContent()).resolves.not.toContain('{{');
    await check('preview');
  });

  it('a reminder to review: listed on the Reminders page, and "It was sent" on the customer\'s timeline', async () => {
    const [row] = await t.container.reminders.list(realmId, { status: 'sent', limit: 1 });
    // As an interrupted email send leaves it: may have gone, never sent again on its own.
    const store = createReminderStore(t.container.db);
    expect(await store.move(realmId, row!.id, { from: ['sent'], to: 'needs_review', at: new Date() })).toBe(true);
    await page.goto(`${server.url}/reminders`);
    await expect(page.locator('#review-title').textContent()).resolves.toContain('To review: may have been sent (1)');
    await expect(page.locator(`#review-${row!.id} #action-confirm-${row!.id}`).isVisible()).resolves.toBe(true);
    await check('review');
    await page.goto(`${server.url}/customers/${encodeURIComponent(row!.customerId)}#customer-reminders`);
    await check('customer-review');
    // At 768 px the customer's invoice table scrolls inside its own region (axe is checked at full width above).
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.reload();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.locator(`#timeline-${row!.id} #action-confirm-${row!.id}`).click();
    await page.waitForURL(/\?done=reminder-confirmed#customer-reminders$/);
    await expect(page.locator('#notice, [role="status"]').first().textContent()).resolves.toContain('Marked sent');
    expect(await t.container.reminders.get(realmId, row!.id)).toMatchObject({ status: 'sent', decidedBy: 'Dana Demo' });
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('fits a 768 px wide tablet without sideways scrolling, and still passes axe', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${server.url}/reminders?status=sent`);
    const customerPath = (await page.locator('#history-table tbody tr a').first().getAttribute('href'))!;
    for (const [name, path] of [
      ['queue-768', '/reminders'],
      ['customer-768', `${customerPath}#customer-reminders`],
      ['settings-768', '/settings#reminders'],
      ['preview-768', '/settings/reminders/preview'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path).toBe(true);
      if (name === 'customer-768')
        await expect(page.locator('#reminders-timeline li').count()).resolves.toBeGreaterThan(0);
      else await check(name);
    }
  });
});
