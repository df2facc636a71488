// Attachments on disk: the type is read from the content (magic bytes), never from the name or
// the browser's claim; files get random names under UPLOADS_PATH, outside static/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const uploadLimits = { files: 5, fileBytes: 10 * 1024 * 1024, nameChars: 100 } as const;

export type SniffedType = { mime: string; label: string };

const webpTag = Buffer.from('WEBP');

/** PNG, JPEG, GIF, WebP or PDF by their signatures; anything else (HTML, SVG, executables) is null. */
export function sniffType(head: Buffer): SniffedType | null {
  const starts = (bytes: number[], offset = 0) => bytes.every((b, i) => head[offset + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', label: 'PNG' };
  if (starts([0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', label: 'JPEG' };
  if (starts([0x47, 0x49, 0x46, 0x38]) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61) return { mime: 'image/gif', label: 'GIF' };
  if (starts([0x52, 0x49, 0x46, 0x46]) && head.subarray(8, 12).equals(webpTag)) return { mime: 'image/webp', label: 'WebP' };
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return { mime: 'application/pdf', label: 'PDF' };
  return null;
}

/**
 * The name to show and to put in Content-Disposition: no path parts, no control characters
 * (null bytes included), no leading dots, at most 100 characters with the extension kept.
 */
export function sanitiseFileName(raw: string): string {
  let name = String(raw ?? '').normalize('NFC');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  name = name.replace(/[<>:"|?*]/g, '_').trim().replace(/^[.\s]+/, '');
  if (name === '') return 'файл';
  const chars = [...name];
  if (chars.length <= uploadLimits.nameChars) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return [...name.slice(0, name.length - ext.length)].slice(0, uploadLimits.nameChars - ext.length).join('') + ext;
}

export type Uploads = ReturnType<typeof createUploads>;

export function createUploads(directory: string) {
  const root = resolve(directory);
  let ready = false;

  function pathOf(storedName: string): string {
    if (!/^[0-9a-f]{32}$/.test(storedName)) throw new Error('bad stored name');
    return join(root, storedName.slice(0, 2), storedName);
  }

  return {
    root,
    /** Writes the bytes under a new random name and returns it. */
    save(content: Buffer): string {
      if (!ready) {
        mkdirSync(root, { recursive: true, mode: 0o700 });
        ready = true;
      }
      const storedName = randomBytes(16).toString('hex');
      const path = pathOf(storedName);
      mkdirSync(join(root, storedName.slice(0, 2)), { recursive: true, mode: 0o700 });
      writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
      return storedName;
    },
    pathOf,
    remove(storedName: string): void {
      rmSync(pathOf(storedName), { force: true });
    },
  };
}
