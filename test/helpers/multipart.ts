// Multipart POSTs (file uploads) with a test client's cookies and its CSRF token, and small sample files.
import * as cheerio from 'cheerio';
import type { Client, Page } from './http.ts';

export type UploadFile = { name: string; content: Uint8Array | string; type?: string };

/** POSTs fields (CSRF token first, as the pages' forms do) and then the files as `files`. */
export async function postMultipart(client: Client, baseUrl: string, path: string, fields: Record<string, string>, files: UploadFile[] = []): Promise<Page> {
  if (!client.jar.has('svet_csrf')) await client.get('/login');
  const form = new FormData();
  if (!('_csrf' in fields)) form.append('_csrf', client.jar.get('svet_csrf') ?? '');
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append('files', new Blob([file.content as BlobPart], { type: file.type ?? 'application/octet-stream' }), file.name);
  const headers: Record<string, string> = { cookie: [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
  const response = await fetch(new URL(path, baseUrl), { method: 'POST', body: form, headers, redirect: 'manual' });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1).trim();
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) client.jar.delete(pair.slice(0, eq).trim());
    else client.jar.set(pair.slice(0, eq).trim(), value);
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, location: response.headers.get('location'), $: cheerio.load(text) };
}

/** A 1×1 PNG. */
export const tinyPng = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082', 'hex');

/** The smallest PDF that readers open. */
export const tinyPdf = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A Windows executable's first bytes (MZ header). */
export const fakeExe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200, 0x41)]);
