// Renders the EJS templates in views/. Each template names the locals it reads in its first line
// (`<% const { title, view } = locals; -%>`), so it is compiled without `with` (whose every name
// lookup goes through the locals object first). A template draws another with EJS's own
// include(path, data): the included template sees its caller's locals plus `data`. Paths starting
// with / are from views/, others from the calling template's folder; '.ejs' is added when the name
// has no extension.
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const viewsDir = fileURLToPath(new URL('../../views/', import.meta.url));

type Compiled = (locals: object) => string;
type Escape = (value: unknown) => string;

export type RenderOptions = {
  /** Keep the compiled template (production, letters); else compile on every render with line numbers in errors. */
  cache?: boolean;
  /** Plain text (letters' text part): values are not HTML-escaped. */
  text?: boolean;
};

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const htmlSpecial = /[&<>'"]/;

/** EJS's escaping, with a fast path for the common value that needs none. */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return htmlSpecial.test(text) ? text.replace(/[&<>'"]/g, (c) => htmlEntities[c]) : text;
}

function escapeNothing(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

const compiledCache = new Map<string, Compiled>();

function compiled(file: string, options: RenderOptions): Compiled {
  const key = `${options.text ? 'text' : 'html'}:${file}`;
  const known = options.cache ? compiledCache.get(key) : undefined;
  if (known) return known;
  const escape: Escape = options.text ? escapeNothing : escapeHtml;
  // unsafePrototypeLocals: EJS takes our locals object as it is instead of copying it (EJS 7's
  // option, not in @types/ejs); its prototype warning is about `with`, which strict mode drops.
  // Included templates are cached by EJS by file name alone: only HTML ones, so a file never
  // comes back compiled with the other escaping.
  const compileOptions = {
    filename: file, root: viewsDir, strict: true, compileDebug: !options.cache, unsafePrototypeLocals: true, escape,
    cache: !!options.cache && !options.text,
  };
  const fn = ejs.compile(readFileSync(file, 'utf8'), compileOptions as ejs.Options) as Compiled;
  if (options.cache) compiledCache.set(key, fn);
  return fn;
}

/** The template at `file` (an absolute path) drawn with `locals`, which it only reads. */
export function renderTemplate(file: string, locals: object, options: RenderOptions = {}): string {
  return compiled(file, options)(locals);
}
