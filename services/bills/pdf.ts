// The PDF renderer: one Chromium kept warm and shared, a page per job, a queue with a concurrency
// limit, a timeout per job, no network for the page, and a relaunch when the browser dies.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export type PdfOptions = {
  chromePath: string;
  /** false only where Chromium runs as root (CI, containers): production keeps the sandbox. */
  sandbox: boolean;
  concurrency?: number;
  /** Jobs waiting beyond this many are refused at once rather than queued for minutes. */
  maxQueue?: number;
  timeoutMs?: number;
  launchTimeoutMs?: number;
};

/** Chromium is missing, died, timed out or the queue is full: the caller shows the HTML bill instead. */
export class PdfUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfUnavailable';
  }
}

export type PdfRenderer = ReturnType<typeof createPdfRenderer>;

const flags = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
  '--mute-audio',
];

export function createPdfRenderer(options: PdfOptions) {
  const concurrency = options.concurrency ?? 3;
  const maxQueue = options.maxQueue ?? 200;
  const timeoutMs = options.timeoutMs ?? 20_000;
  let browser: Promise<Browser> | null = null;
  /** What `browser` resolved to, to recognise a dead one without waiting. */
  let resolved: Browser | null = null;
  let closed = false;
  let active = 0;
  const waiting: (() => void)[] = [];
  const stats = { rendered: 0, failed: 0, launches: 0, crashes: 0 };

  function launch(): Promise<Browser> {
    stats.launches++;
    const launching = puppeteer
      .launch({
        executablePath: options.chromePath,
        headless: true,
        timeout: options.launchTimeoutMs ?? 15_000,
        args: options.sandbox ? flags : ['--no-sandbox', ...flags],
      })
      .then((started) => {
        if (browser === launching) resolved = started;
        started.on('disconnected', () => {
          // A crash (or a kill): forget this browser so the next job launches a fresh one.
          if (!closed) stats.crashes++;
          forget(started);
        });
        return started;
      });
    launching.catch(() => {
      if (browser === launching) browser = null;
    });
    return launching;
  }

  function forget(dead: Browser): void {
    if (resolved === dead) {
      browser = null;
      resolved = null;
    }
  }

  function currentBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new PdfUnavailable('the PDF renderer is closed'));
    browser ??= launch();
    return browser;
  }

  async function acquire(): Promise<void> {
    if (active < concurrency) {
      active++;
      return;
    }
    if (waiting.length >= maxQueue) throw new PdfUnavailable('the PDF queue is full');
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  async function renderOnce(html: string, used: { browser?: Browser }): Promise<Buffer> {
    const started = await currentBrowser();
    used.browser = started;
    let page: Page | null = null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PdfUnavailable(`the PDF took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const work = (async () => {
        page = await started.newPage();
        // Our HTML only: scripts off, and any request other than inline data is refused.
        await page.setJavaScriptEnabled(false);
        await page.setRequestInterception(true);
        page.on('request', (request) => {
          const url = request.url();
          if (url.startsWith('data:') || url.startsWith('about:')) void request.continue();
          else void request.abort('blockedbyclient');
        });
        await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
        return Buffer.from(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, timeout: timeoutMs }));
      })();
      work.catch(() => {}); // the timeout may win the race; the loser's rejection is expected
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
      const opened = page as Page | null;
      if (opened) await opened.close().catch(() => {});
    }
  }

  return {
    /** Renders self-contained HTML (styles and images inline) to an A4 PDF. */
    async render(html: string): Promise<Buffer> {
      await acquire();
      try {
        for (let attempt = 1; ; attempt++) {
          const used: { browser?: Browser } = {};
          try {
            const pdf = await renderOnce(html, used);
            stats.rendered++;
            return pdf;
          } catch (error) {
            // The browser died under this job: forget it (its 'disconnected' may not have fired
            // yet) and try once more on a fresh one, then give up.
            const crashed = used.browser !== undefined && !used.browser.connected;
            if (crashed) forget(used.browser!);
            if (crashed && attempt === 1 && !closed) continue;
            stats.failed++;
            throw error instanceof PdfUnavailable ? error : new PdfUnavailable('Chromium could not render the PDF', { cause: error });
          }
        }
      } finally {
        release();
      }
    },

    /** Launches the browser ahead of the first job (optional: render() launches it lazily). */
    async warm(): Promise<void> {
      await currentBrowser();
    },

    /** The browser's process id, while one runs (tests kill it to prove the relaunch). */
    async pid(): Promise<number | null> {
      if (!browser) return null;
      return (await browser.catch(() => null))?.process()?.pid ?? null;
    },

    queue: () => ({ active, waiting: waiting.length, concurrency }),
    stats: () => ({ ...stats }),

    async close(): Promise<void> {
      closed = true;
      const running = browser;
      browser = null;
      const started = await running?.catch(() => null);
      await started?.close().catch(() => {});
    },
  };
}
