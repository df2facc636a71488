// Renders the app icons (static/icons/*.png) from their SVGs with Chromium: npx tsx scripts/make-icons.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const dir = fileURLToPath(new URL('../static/icons/', import.meta.url));
const jobs: [string, string, number][] = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['icon-maskable.svg', 'icon-maskable-512.png', 512],
];

const browser = await puppeteer.launch({ executablePath: process.env.CHROME_PATH || '/usr/lib/chromium/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  for (const [svg, png, size] of jobs) {
    await page.setViewport({ width: size, height: size });
    const source = readFileSync(`${dir}${svg}`, 'utf8');
    await page.setContent(`<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: `${dir}${png}` as `${string}.png`, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`${png}: ${size}×${size}`);
  }
} finally {
  await browser.close();
}
