// One headless Debian Chromium for browser tests: pages with JavaScript off, the test client's
// cookies, a chosen viewport width, and screenshots when SCREENSHOTS_DIR is set.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Client } from './http.ts';

export type TestBrowser = {
  browser: Browser;
  /**
   * A page with JavaScript off, `width` px wide, whose cookies are exactly the client's for
   * `baseUrl` (or none). One page at a time: opening one resets the cookies of the last.
   */
  openPage(options: { baseUrl: string; width: number; height?: number; client?: Client }): Promise<Page>;
  closePage(page: Page): Promise<void>;
  close(): Promise<void>;
};

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

  // One isolated context for every page: creating a context costs ~0.4 s, so pages share it
  // and each one starts from an emptied cookie jar instead.
  const context = await browser.createBrowserContext();

  return {
    browser,
    async openPage({ baseUrl, width, height = 800, client }) {
      const stale = await context.cookies();
      if (stale.length > 0) await context.deleteCookie(...stale);
      if (client && client.jar.size > 0) {
        const { hostname } = new URL(baseUrl);
        await context.setCookie(
          ...[...client.jar].map(([name, value]) => ({ name, value, domain: hostname, path: '/', httpOnly: true, sameSite: 'Lax' as const })),
        );
      }
      const page = await context.newPage();
      // No reload: puppeteer sends Emulation.setScriptExecutionDisabled on the page's own session,
      // so a later setJavaScriptEnabled(true) (for axe) keeps the page as loaded without JS.
      await page.setJavaScriptEnabled(false);
      await page.setViewport({ width, height });
      return page;
    },
    async closePage(page) {
      await page.close();
    },
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
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
