// Reading PDFs in tests with poppler-utils (pdftotext, pdffonts, pdftoppm) and decoding QR codes
// from PNG images with jsQR.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

const run = promisify(execFile);

// jsqr is CommonJS whose typings declare a default export: under nodenext the import is the module object.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

async function withPdfFile<T>(pdf: Buffer, use: (path: string, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'svet-pdf-'));
  try {
    const path = join(dir, 'bill.pdf');
    writeFileSync(path, pdf);
    return await use(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text, UTF-8: laid out as on the page (pdftotext -layout), or block by block (`layout: false`). */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): Promise<string> {
  const args = [...(options.layout === false ? [] : ['-layout']), '-enc', 'UTF-8'];
  return withPdfFile(pdf, async (path) => (await run('pdftotext', [...args, path, '-'], { maxBuffer: 16 << 20 })).stdout);
}

/** pdffonts' table: name, type, encoding, emb, sub, uni per font. */
export async function pdfFonts(pdf: Buffer): Promise<{ name: string; embedded: boolean }[]> {
  const out = await withPdfFile(pdf, async (path) => (await run('pdffonts', [path])).stdout);
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name … emb sub uni object ID: emb is the fifth column from the end.
      return { name: columns[0], embedded: columns[columns.length - 5] === 'yes' };
    });
}

export async function pdfPageCount(pdf: Buffer): Promise<number> {
  const out = await withPdfFile(pdf, async (path) => (await run('pdfinfo', [path])).stdout);
  return Number(/Pages:\s+(\d+)/.exec(out)?.[1] ?? 0);
}

/** The first page as a PNG at `dpi`. */
export function pdfFirstPagePng(pdf: Buffer, dpi = 150): Promise<Buffer> {
  return withPdfFile(pdf, async (path, dir) => {
    await run('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', path, join(dir, 'page')]);
    return readFileSync(join(dir, 'page.png'));
  });
}

/** The text of the QR code found in a PNG (its bytes read as UTF-8), or null. */
export function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return found ? Buffer.from(found.binaryData).toString('utf8') : null;
}
