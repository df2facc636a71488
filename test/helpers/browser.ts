// One headless Debian Chromium for browser tests: pages with JavaScript off, the test client's
// cookies, a chosen viewport width, and screenshots when SCREENSHOTS_DIR is set.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import type { Client } from './http.ts';

export type TestBrowser = {
  browser: Browser;
  /**
   * A page in a fresh browser context (its own cookies) with JavaScript off, `width` px wide,
   * holding the client's cookies for `baseUrl`. Close it with `closePage`.
   */
  openPage(options: { baseUrl: string; width: number; height?: number; client?: Client }): Promise<Page>;
  closePage(page: Page): Promise<void>;
  close(): Promise<void>;
};

const contexts = new WeakMap<Page, BrowserContext>();

export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'svet-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH || '/usr/lib/chromium/chromium',
    headless: true,
    userDataDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  return {
    browser,
    async openPage({ baseUrl, width, height = 800, client }) {
      const context = await browser.createBrowserContext();
      if (client && client.jar.size > 0) {
        const { hostname } = new URL(baseUrl);
        await context.setCookie(
          ...[...client.jar].map(([name, value]) => ({ name, value, domain: hostname, path: '/', httpOnly: true, sameSite: 'Lax' as const })),
        );
      }
      const page = await context.newPage();
      contexts.set(page, context);
      await setScriptsEnabled(page, false);
      await page.setViewport({ width, height });
      return page;
    },
    async closePage(page) {
      await contexts.get(page)?.close();
    },
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Turns script execution off or on through CDP, without reloading the page: with JS off the
 * page is loaded as a no-JS visitor gets it; turned on afterwards, tools such as axe can run
 * in it while the page's own scripts (already skipped) stay unrun.
 */
export async function setScriptsEnabled(page: Page, enabled: boolean): Promise<void> {
  const session = await page.createCDPSession();
  try {
    await session.send('Emulation.setScriptExecutionDisabled', { value: !enabled });
  } finally {
    await session.detach();
  }
}

/** The directory screenshots go to, or null when SCREENSHOTS_DIR is unset. */
export function screenshotsDir(): string | null {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a full-page PNG named `<name>.png` in SCREENSHOTS_DIR; does nothing when it is unset. */
export async function screenshot(page: Page, name: string): Promise<string | null> {
  const dir = screenshotsDir();
  if (!dir) return null;
  const path = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
