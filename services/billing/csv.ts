// CSV of the billing exchange: decoding a file's bytes, splitting a line by «;», quoting a field.
/** UTF-8 (with or without BOM), or CP1251 recognised by invalid UTF-8; UTF-16 and binary are refused. */
export function decodeCsv(bytes: Buffer): { ok: true; text: string; encoding: 'utf-8' | 'windows-1251' } | { ok: false; message: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) {
    return { ok: false, message: 'Файл в кодировке UTF-16 или не текстовый. Сохраните его как CSV в UTF-8 (или Windows-1251), разделитель «;».' };
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Russian billing exports are often CP1251: every byte is a character there, so check it looks like Russian text.
    const text = new TextDecoder('windows-1251').decode(body);
    const letters = text.match(/[А-Яа-яЁё]/g)?.length ?? 0;
    const odd = text.match(/[\u0080-\u00ff\u0400-\u040f\u0452-\u045f\u2000-\u206f]/g)?.length ?? 0;
    if (letters === 0 || odd > letters / 10) return { ok: false, message: 'Файл не в UTF-8 и не похож на Windows-1251. Сохраните его как CSV в UTF-8.' };
    return { ok: true, text, encoding: 'windows-1251' };
  }
}

/** Splits one line by «;», with "quoted" fields ("" inside is a quote); null when the quotes do not close. */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) return null;
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < line.length && line[i] !== ';') return null;
      fields.push(value);
    } else {
      const next = line.indexOf(';', i);
      const value = next < 0 ? line.slice(i) : line.slice(i, next);
      if (value.includes('"')) return null;
      fields.push(value.trim());
      i = next < 0 ? line.length : next;
    }
    if (i >= line.length) return fields;
    i++; // past ';'
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** A field as written to an export: quoted when it holds «;», a quote or a line break. */
export function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
