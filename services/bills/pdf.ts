// The PDF renderer: one Chromium kept warm and shared, a page per job, a queue with a concurrency
// limit, a timeout per job, no network for the page, and a relaunch when the browser dies.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { bind } from '../platform/bind.ts';

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

/** The options with their defaults filled in, the browser, the queue and the counters. */
type PdfContext = {
  options: PdfOptions;
  concurrency: number;
  maxQueue: number;
  timeoutMs: number;
  state: {
    browser: Promise<Browser> | null;
    /** What `browser` resolved to, to recognise a dead one without waiting. */
    resolved: Browser | null;
    closed: boolean;
    active: number;
    waiting: (() => void)[];
    stats: { rendered: number; failed: number; launches: number; crashes: number };
  };
};

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
  const context: PdfContext = {
    options,
    concurrency: options.concurrency ?? 3,
    maxQueue: options.maxQueue ?? 200,
    timeoutMs: options.timeoutMs ?? 20_000,
    state: { browser: null, resolved: null, closed: false, active: 0, waiting: [], stats: { rendered: 0, failed: 0, launches: 0, crashes: 0 } },
  };
  return bind(context, { render, warm, pid, queue, stats, close });
}

function launch(context: PdfContext): Promise<Browser> {
  const { options, state } = context;
  state.stats.launches++;
  const launching = puppeteer
    .launch({
      executablePath: options.chromePath,
      headless: true,
      timeout: options.launchTimeoutMs ?? 15_000,
      args: options.sandbox ? flags : ['--no-sandbox', ...flags],
    })
    .then((started) => {
      if (state.browser === launching) state.resolved = started;
      started.on('disconnected', () => {
        // A crash (or a kill): forget this browser so the next job launches a fresh one.
        if (!state.closed) state.stats.crashes++;
        forget(context, started);
      });
      return started;
    });
  launching.catch(() => {
    if (state.browser === launching) state.browser = null;
  });
  return launching;
}

function forget({ state }: PdfContext, dead: Browser): void {
  if (state.resolved === dead) {
    state.browser = null;
    state.resolved = null;
  }
}

function currentBrowser(context: PdfContext): Promise<Browser> {
  const { state } = context;
  if (state.closed) return Promise.reject(new PdfUnavailable('the PDF renderer is closed'));
  state.browser ??= launch(context);
  return state.browser;
}

async function acquire({ concurrency, maxQueue, state }: PdfContext): Promise<void> {
  if (state.active < concurrency) {
    state.active++;
    return;
  }
  if (state.waiting.length >= maxQueue) throw new PdfUnavailable('the PDF queue is full');
  await new Promise<void>((resolve) => state.waiting.push(resolve));
}

function release({ state }: PdfContext): void {
  const next = state.waiting.shift();
  if (next) next();
  else state.active--;
}

async function renderOnce(context: PdfContext, html: string, used: { browser?: Browser }): Promise<Buffer> {
  const { timeoutMs } = context;
  const started = await currentBrowser(context);
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

/** Renders self-contained HTML (styles and images inline) to an A4 PDF. */
async function render(context: PdfContext, html: string): Promise<Buffer> {
  const { state } = context;
  await acquire(context);
  try {
    for (let attempt = 1; ; attempt++) {
      const used: { browser?: Browser } = {};
      try {
        const pdf = await renderOnce(context, html, used);
        state.stats.rendered++;
        return pdf;
      } catch (error) {
        // The browser died under this job: forget it (its 'disconnected' may not have fired
        // yet) and try once more on a fresh one, then give up.
        const crashed = used.browser !== undefined && !used.browser.connected;
        if (crashed) forget(context, used.browser!);
        if (crashed && attempt === 1 && !state.closed) continue;
        state.stats.failed++;
        throw error instanceof PdfUnavailable ? error : new PdfUnavailable('Chromium could not render the PDF', { cause: error });
      }
    }
  } finally {
    release(context);
  }
}

/** Launches the browser ahead of the first job (optional: render() launches it lazily). */
async function warm(context: PdfContext): Promise<void> {
  await currentBrowser(context);
}

/** The browser's process id, while one runs (tests kill it to prove the relaunch). */
async function pid({ state }: PdfContext): Promise<number | null> {
  if (!state.browser) return null;
  return (await state.browser.catch(() => null))?.process()?.pid ?? null;
}

function queue({ concurrency, state }: PdfContext): { active: number; waiting: number; concurrency: number } {
  return { active: state.active, waiting: state.waiting.length, concurrency };
}

function stats({ state }: PdfContext): { rendered: number; failed: number; launches: number; crashes: number } {
  return { ...state.stats };
}

async function close({ state }: PdfContext): Promise<void> {
  state.closed = true;
  const running = state.browser;
  state.browser = null;
  const started = await running?.catch(() => null);
  await started?.close().catch(() => {});
}
