import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../server/emulator/generator/generate-company.js';
import { startApp, type TestApp } from '../support/app-harness.js';
import { seriousAccessibilityViolations } from '../support/axe.js';
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

if (!chromiumAvailable) console.warn(CHROMIUM_SKIP_MESSAGE);

const HOSTILE_NAME = '<script>alert(1)</script>';

/**
 * The panel as a bookkeeper uses it, in Chromium: connect the demo company (the first sync and score start by
 * themselves), then every page, checked with axe-core (no serious or critical violations) and screenshotted
 * into test-artifacts/screenshots.
 */
describe.skipIf(!chromiumAvailable)('the risk panel in Chromium', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let realmId: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    const file = generateCompany({ seed: 21, customers: 40, months: 24, asOf: '2025-06-14' });
    file.Customers[0]!.DisplayName = HOSTILE_NAME;
    realmId = file.realmId;
    emulator = await startEmulator({ companies: [file] });
    t = await startApp(emulator, { syncOnConnect: true });
    server = await serve(t.app, Number(new URL(TEST_CLIENT.redirectUris[0]!).port));
    browser = await launchChromium();
    // axe is injected into the page; the app's CSP (rightly) forbids that, so this context bypasses it.
    context = await browser.newContext({
      bypassCSP: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(() => closeAll(context, browser, server, t, emulator));

  const check = (name: string) => screenshotAndAxe(page, `panel-${name}`);

  it('connects the demo company and lands on a scored dashboard with its charts drawn', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Connect to QuickBooks' }).click();
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForURL(`${server.url}/oauth/callback**`);
    // The first full sync and the score run happen in the background after connecting.
    await expect
      .poll(async () => Boolean(await t.container.db('risk_score_runs').first()), { timeout: 45_000, interval: 250 })
      .toBe(true);
    await page.goto(`${server.url}/`);
    await page.waitForURL(`${server.url}/dashboard`);
    await expect(page.getByRole('heading', { level: 1 }).first().textContent()).resolves.toMatch(/dashboard|risk/i);
    // Chart.js ran: every chart canvas has been sized and drawn by the library.
    const canvases = page.locator('canvas[data-chart]');
    expect(await canvases.count()).toBeGreaterThanOrEqual(4);
    await expect
      .poll(() =>
        page.evaluate(
          'Array.from(document.querySelectorAll("canvas[data-chart]"))' +
            '.every((c) => window.Chart && window.Chart.getChart(c))',
        ),
      )
      .toBe(true);
    await check('dashboard');
  });

  it('sorts and filters the customer list, shows a hostile name as text, downloads what is shown as CSV', async () => {
    await page.getByRole('navigation', { name: 'Duesense' }).getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL(`${server.url}/customers**`);
    await check('customers');
    await page.locator('#sort-score').click();
    await page.waitForURL(/sort=score/);
    const scores = await page.locator('#customers-table tbody tr td.num:first-of-type').allTextContents();
    expect(scores.length).toBeGreaterThan(0);
    await page.locator('#filter-q').fill('script');
    await page.locator('#filter-apply').click();
    await page.waitForURL(/q=script/);
    await expect(page.locator('#customers-table').getByText(HOSTILE_NAME).count()).resolves.toBe(1);
    expect(dialogs).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#customers-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2); // the header and the one customer shown
    expect(csv).toContain(HOSTILE_NAME);
    await page.locator('#filter-clear').click();
    await page.waitForURL((u) => !u.search.includes('q=script'));
    await check('customers-sorted');
  });

  it('opens a customer, sees its score, reasons and open invoices, and pauses its reminders', async () => {
    await page.locator('#customers-table tbody tr th a').first().click();
    await page.waitForURL(/\/customers\/[^/?]+$/);
    await expect(page.locator('#customer-score').isVisible()).resolves.toBe(true);
    await check('customer');
    await page.locator('#action-reminders').click();
    await page.waitForURL(/\/customers\/[^/?]+/);
    await expect(page.locator('#flag-paused').isVisible()).resolves.toBe(true);
  });

  it('opens the sync, mailbox and activity pages, and the activity log shows what was done and by whom', async () => {
    for (const [name, path] of [
      ['sync', '/sync'],
      ['mailbox', '/mailbox'],
      ['activity', '/activity'],
      ['alerts', '/alerts'],
    ] as const) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      await check(name);
    }
    await page.goto(`${server.url}/activity`);
    await expect(
      page
        .getByText(/Scored \d+ customers/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(
      page
        .getByText(/paused reminders|Paused reminders/i)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });

  it('changes a setting and keeps it', async () => {
    await page.goto(`${server.url}/settings`);
    await check('settings');
    await page.locator('#schedule-time').fill('05:15');
    await page.locator('#action-save-schedule').click();
    await page.waitForURL(`${server.url}/settings**`);
    await expect(page.locator('#schedule-time').inputValue()).resolves.toBe('05:15');
  });

  it('works from the keyboard: skip link first, then a search submitted with Enter', async () => {
    await page.goto(`${server.url}/customers`);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent.trim()')).resolves.toBe('Skip to content');
    await page.locator('#filter-q').focus();
    await page.keyboard.type('script');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=script/);
    await expect(page.locator('#customers-table').getByText(HOSTILE_NAME).count()).resolves.toBe(1);
  });

  it('is usable at tablet width', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${server.url}/customers`);
    const customerPath = new URL(
      (await page.locator('#customers-table tbody tr th a').first().getAttribute('href')) ?? '/',
      server.url,
    ).pathname;
    for (const path of ['/dashboard', '/customers', customerPath, '/alerts', '/activity', '/settings', '/sync']) {
      await page.goto(`${server.url}${path}`);
      // Nothing wider than the viewport: the page scrolls vertically only.
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path).toBe(true);
      await page.screenshot({ path: screenshotPath(`panel-tablet${path.replace(/\//g, '-')}`), fullPage: true });
    }
  });

  /** Every page of the panel: its screenshot name, path, and the link that marks it current (main nav or header). */
  async function panelPages(): Promise<Array<{ name: string; path: string; current: string }>> {
    await page.goto(`${server.url}/customers`);
    const customerHref = await page.locator('#customers-table tbody tr th a').first().getAttribute('href');
    const customerPath = new URL(customerHref ?? '/', server.url).pathname;
    return [
      { name: 'dashboard', path: '/dashboard', current: '/dashboard' },
      { name: 'customers', path: '/customers', current: '/customers' },
      { name: 'customer', path: customerPath, current: '/customers' },
      { name: 'alerts', path: '/alerts', current: '/alerts' },
      { name: 'sync', path: '/sync', current: '/sync' },
      { name: 'activity', path: '/activity', current: '/activity' },
      { name: 'settings', path: '/settings', current: '/settings' },
      { name: 'mailbox', path: '/mailbox', current: '/mailbox' },
      { name: 'company', path: '/company', current: '/company' },
    ];
  }

  /** Opens the page at each width, checks it fits, and writes `<name>-1366.png` and `<name>-768.png`. */
  async function atBothWidths(name: string, path: string, each: () => Promise<void>): Promise<void> {
    for (const [width, height] of [
      [1366, 900],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), `${path} at ${width}px`).toBe(200);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path).toBe(true);
      await each();
      await page.screenshot({ path: screenshotPath(`${name}-${width}`), fullPage: true });
    }
  }

  it('highlights the tab of every page (the company link on the Company page), with no connection banner', async () => {
    for (const { name, path, current } of await panelPages()) {
      await atBothWidths(name, path, async () => {
        const marked = page.locator('a[aria-current="page"]');
        await expect(marked.count(), path).resolves.toBe(1);
        await expect(marked.getAttribute('href'), path).resolves.toBe(current);
        await expect(page.locator('[data-banner]').count(), path).resolves.toBe(0);
      });
    }
  }, 180_000);

  it('after Disconnect, every page says so with Reconnect; Sync now waits, scoring still works', async () => {
    const pages = await panelPages();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${server.url}/company`);
    await page.locator('[data-action="disconnect"]').click();
    await page.waitForURL(`${server.url}/?disconnected=1`);
    for (const { name, path, current } of pages) {
      await atBothWidths(`${name}-disconnected`, path, async () => {
        const banner = page.locator('[data-banner="disconnected"]');
        await expect(banner.isVisible(), path).resolves.toBe(true);
        await expect(banner.textContent(), path).resolves.toMatch(/is disconnected from QuickBooks/);
        await expect(banner.getByRole('link', { name: 'Reconnect' }).getAttribute('href'), path).resolves.toBe(
          '/connect',
        );
        await expect(page.locator('a[aria-current="page"]').getAttribute('href'), path).resolves.toBe(current);
      });
      if (name === 'dashboard') {
        await expect(page.locator('[data-action="score"]').isEnabled()).resolves.toBe(true);
        await expect(page.locator('#dashboard-offline').isVisible()).resolves.toBe(true);
      }
      if (name === 'sync') await expect(page.locator('#action-sync').isDisabled()).resolves.toBe(true);
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.goto(`${server.url}${path}`);
      expect(await seriousAccessibilityViolations(page), `${path}: serious or critical axe violations`).toEqual([]);
    }

    // The banner's one action fixes it: Reconnect, approve, and the company catches up on what changed.
    const scoredBefore = (await t.container.scoreRuns.latestRun(realmId))?.id;
    await page.goto(`${server.url}/dashboard`);
    await page.locator('[data-banner="disconnected"]').getByRole('link', { name: 'Reconnect' }).click();
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForURL(`${server.url}/oauth/callback**`);
    await expect(page.locator('#connected-sync').getAttribute('data-sync')).resolves.toBe('catch-up');
    await expect(page.locator('[data-banner]').count()).resolves.toBe(0);
    // The catch-up sync and its score run finish before the app closes.
    await expect
      .poll(async () => (await t.container.scoreRuns.latestRun(realmId))?.id, { timeout: 30_000, interval: 250 })
      .not.toBe(scoredBefore);
  }, 240_000);
});
